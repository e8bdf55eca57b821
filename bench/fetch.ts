/**
 * Fetch Messages latency: p50 and p99 at 64 connections against an account holding
 * 100,000 messages, on the real service (`textbridge serve` in its own process, as `bench/send.ts`
 * runs it) over loopback HTTP, autocannon in this process. Two request shapes, as the app sends them:
 * - `caught-up`: each cursor at its side's newest id (the usual 30-60 s poll): empty arrays;
 * - `page`: no ids (first run / foreign id): the newest 100 received and 100 sent, about 25 KB of JSON.
 * Figures are medians over rounds, each round a fresh server process.
 *
 * Run: `node --import tsx bench/fetch.ts [messages] [seconds] [connections]` (also `npm run bench:fetch`).
 * Env, as bench/send.ts: BENCH_ROUNDS (3), BENCH_DURATION (10 s), BENCH_CONNECTIONS (64),
 * TEXTBRIDGE_BENCH_DATABASE_URL = postgres://… to run it on PostgreSQL too (DATABASE_URL: instead of
 * SQLite),
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, e.g. `--cpu-prof`: bench/lib.ts `spawnServer`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeAccountAdmin } from '../src/app/accounts.js';
import { systemClock } from '../src/app/ports.js';
import { buildConfig } from '../src/config/index.js';
import { openStore } from '../src/main/index.js';
import { makeAdminStore } from '../src/store/adapters/admin.js';
import type { Db } from '../src/store/engine/db.js';
import { messageRow } from '../src/store/sql/message-columns.js';
import { type Load, load, machine, median, SERVE, spawnServer } from './lib.js';

const PASSWORD = 'bench-password-not-a-secret';

/** What to measure. */
export interface FetchBenchOptions {
  messages: number;
  seconds: number;
  connections: number;
  rounds: number;
  /** Empty = the embedded SQLite store. */
  databaseUrl: string;
}

/** Medians over the rounds, per shape. */
export interface FetchBenchRow {
  shape: 'caught-up' | 'page';
  reqPerSec: number;
  p50: number;
  p99: number;
  bad: number;
}

/** Two accounts; `alice` holds `total` messages, half received from bob, half sent to him, all displayed. */
async function seed(db: Db, total: number): Promise<{ lastId: string; lastSentId: string }> {
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  const existing = new Set((await admin.list()).map((a) => a.username));
  for (const [username, number] of [
    ['fetch-alice', '+15550000001'],
    ['fetch-bob', '+15550000002'],
  ] as const) {
    if (!existing.has(username))
      await admin.add({ username, password: PASSWORD, numbers: [number], region: 'US' });
  }
  const ids = await db.kysely.selectFrom('accounts').select(['id', 'username']).execute();
  const alice = Number(ids.find((r) => r.username === 'fetch-alice')!.id);
  const bob = Number(ids.find((r) => r.username === 'fetch-bob')!.id);
  await db.kysely.deleteFrom('messages').where('sender_account_id', 'in', [alice, bob]).execute();
  // Already displayed, so every fetch is read-only (as a steady state is).
  const now = Date.now() - total;
  for (let start = 0; start < total; start += 5_000) {
    const rows: Array<ReturnType<typeof messageRow>> = [];
    for (let i = start; i < Math.min(total, start + 5_000); i++) {
      const incoming = i % 2 === 0;
      const row = messageRow(
        {
          senderAccountId: incoming ? bob : alice,
          recipientAccountId: incoming ? alice : bob,
          from: incoming ? '+15550000002' : '+15550000001',
          to: incoming ? '+15550000001' : '+15550000002',
          toRaw: '',
          body: `message number ${i} with a little text to look like a real one`,
          contentType: 'text/plain',
          dispositionNotification: null,
          smart: false,
          status: 'delivered',
          segments: 1,
          chargeMicros: 0,
        },
        now + i,
      );
      // Already displayed: the steady state of a caught-up account is read-only.
      rows.push({ ...row, displayed: 1 });
    }
    await db.kysely.transaction().execute(async (trx) => {
      for (let j = 0; j < rows.length; j += 500)
        await trx
          .insertInto('messages')
          .values(rows.slice(j, j + 500))
          .execute();
    });
  }
  // The app's cursors are per side: the newest received id and the newest sent id.
  const newestOn = async (side: 'recipient_account_id' | 'sender_account_id') => {
    const r = await db.kysely
      .selectFrom('messages')
      .select((eb) => eb.fn.max('id').as('id'))
      .where(side, '=', alice)
      .executeTakeFirstOrThrow();
    return String(r.id);
  };
  return { lastId: await newestOn('recipient_account_id'), lastSentId: await newestOn('sender_account_id') };
}

/** Seed once, then per round: a fresh server, a short warm-up, each shape for `seconds`. */
export async function benchFetch(o: FetchBenchOptions): Promise<FetchBenchRow[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-fetch-'));
  const db = await openStore(buildConfig({ dataDir, databaseUrl: o.databaseUrl }));
  const t0 = performance.now();
  const cursor = await seed(db, o.messages);
  await db.close();
  console.error(
    `fetch: stored ${o.messages} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s (${o.databaseUrl ? 'PostgreSQL' : 'SQLite'})`,
  );
  const creds = { username: 'fetch-alice', password: PASSWORD };
  const shapes = [
    { shape: 'caught-up', body: { ...creds, last_id: cursor.lastId, last_sent_id: cursor.lastSentId } },
    { shape: 'page', body: { ...creds, last_id: '', last_sent_id: '' } },
  ] as const;
  const runs = new Map<string, Load[]>();
  for (let round = 1; round <= o.rounds; round++) {
    const env = { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: o.databaseUrl };
    const server = await spawnServer(SERVE, env, '/readyz');
    try {
      for (const { shape, body } of shapes) {
        const opts = {
          url: `${server.url}/fetch_messages`,
          method: 'POST' as const,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          connections: o.connections,
        };
        await load({ ...opts, duration: 1 });
        const r = await load({ ...opts, duration: o.seconds });
        runs.set(shape, [...(runs.get(shape) ?? []), r]);
        console.error(
          `fetch round ${round} ${shape}: ${Math.round(r.reqPerSec)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`,
        );
      }
    } finally {
      await server.stop();
    }
  }
  return shapes.map(({ shape }) => {
    const rs = runs.get(shape)!;
    return {
      shape,
      reqPerSec: median(rs.map((r) => r.reqPerSec)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      bad: rs.reduce((n, r) => n + r.non2xx + r.errors, 0),
    };
  });
}

/** The table `npm run bench` prints after Send's. */
export function fetchTable(o: FetchBenchOptions, rows: readonly FetchBenchRow[]): string {
  const lines = [
    `\nFetch Messages · ${new Date().toISOString().slice(0, 10)} · ${machine()}`,
    `${o.databaseUrl ? 'PostgreSQL' : 'embedded SQLite'}, ${o.messages} messages in the account, ${o.connections} connections, ${o.seconds} s per shape, median of ${o.rounds} rounds\n`,
    '| shape | req/s | p50 ms | p99 ms | non-2xx/errors |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.shape} | ${Math.round(r.reqPerSec)} | ${r.p50} | ${r.p99} | ${r.bad} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // As bench/send.ts: the embedded store (or DATABASE_URL), then PostgreSQL when
  // TEXTBRIDGE_BENCH_DATABASE_URL is set.
  const urls = [process.env['DATABASE_URL'] ?? '', process.env['TEXTBRIDGE_BENCH_DATABASE_URL'] ?? ''];
  for (const databaseUrl of [...new Set(urls)].filter((u, i) => i === 0 || u)) {
    const o: FetchBenchOptions = {
      messages: Number(process.argv[2] ?? 100_000),
      seconds: Number(process.argv[3] ?? process.env['BENCH_DURATION'] ?? 10),
      connections: Number(process.argv[4] ?? process.env['BENCH_CONNECTIONS'] ?? 64),
      rounds: Number(process.env['BENCH_ROUNDS'] ?? 3),
      databaseUrl,
    };
    console.log(fetchTable(o, await benchFetch(o)));
  }
}
