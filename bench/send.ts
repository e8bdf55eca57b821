/**
 * On-net Send Message throughput against a hello-world ceiling measured in the same run: alone
 * (`node --import tsx bench/send.ts`, after `npm run build`), or as the `send` step of `npm run bench`
 * (bench/run.ts, which takes its targets and `measure` from here).
 *
 * For each round: a bare Fastify hello-world (the ceiling), then `textbridge serve` on the embedded
 * store (and on PostgreSQL when TEXTBRIDGE_BENCH_DATABASE_URL is set), each driven by autocannon at
 * 64 connections for 10 s after a 2 s warm-up. Send is `POST /send_message` with a JSON body, one
 * account to another (on-net: acceptance only, every message fsynced before its 200).
 * Prints req/s, p50/p99 latency, the ratio to the ceiling and the server's peak RSS; medians over rounds.
 * On the embedded store it also sends from accounts whose password is a hash imported from another
 * system (a SIP digest HA1 and a bcrypt hash, cost 10, of the same password: docs/accounts.md), so
 * their cost beside a local scrypt account is measured in the same run.
 *
 * Env: BENCH_ROUNDS (3), BENCH_DURATION (10 s), BENCH_CONNECTIONS (64), TEXTBRIDGE_BENCH_DATABASE_URL
 * (scripts/bench.sh starts a throwaway PostgreSQL for it when none is given).
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
import { loadRun, machine, median, type Row, SERVE, spawnServer } from './lib.js';

export const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
export const DURATION = Number(process.env['BENCH_DURATION'] ?? 10);
export const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const PG_URL = process.env['TEXTBRIDGE_BENCH_DATABASE_URL'] ?? '';
export const PASSWORD = 'bench-password-not-a-secret';
/** The same password's MD5('bench-ha1:bench.example:<password>') and bcrypt (perl's crypt, libxcrypt). */
const HA1 = '269f89ba84877cad2247f4b509cb8eae';
const BCRYPT = '$2b$10$Ro0CUfOqk6cXEKf1CZGXeu8q3CXtrbEqsqCLeBusEfOAODrWNNUum';

/** The bench's accounts (`bench` sends, `bench-peer` receives on-net), created once per store. */
export async function prepareStore(dataDir: string, databaseUrl: string): Promise<void> {
  const db = await openStore(buildConfig({ dataDir, databaseUrl }));
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  const existing = new Set((await admin.list()).map((a) => a.username));
  if (!existing.has('bench')) {
    await admin.add({ username: 'bench', password: PASSWORD, numbers: ['+15550100001'], region: 'US' });
  }
  if (!existing.has('bench-peer')) {
    await admin.add({ username: 'bench-peer', password: PASSWORD, numbers: ['+15550100002'], region: 'US' });
  }
  const imported = [
    ['bench-ha1', { ha1: HA1, realm: 'bench.example' }],
    ['bench-bcrypt', { bcrypt: BCRYPT }],
  ] as const;
  for (const [username, hash] of imported) {
    if (!existing.has(username)) await admin.add({ username, hash, numbers: [], region: 'US' });
  }
  await db.close();
}

/** Start the server, load it (bench/lib.ts `loadRun`, `carrierCount` passed on), stop it. */
export async function measure(
  args: readonly string[],
  env: Record<string, string>,
  ready: string,
  path: string,
  opts: object = {},
  carrierCount?: () => Promise<number>,
): Promise<Row> {
  const server = await spawnServer(args, env, ready);
  try {
    const r = await loadRun(server.url + path, opts, server.proc.pid!, CONNECTIONS, DURATION, carrierCount);
    if (r.non2xx > 0 || r.errors > 0)
      console.error(`warning: ${args.join(' ')}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r;
  } finally {
    await server.stop();
  }
}

/** The text every send of the bench carries (UCS-2 for its last character, one segment). */
export const TEXT = 'Hello from the benchmark ✓';

/** A Send Message request from `from` (on-net to `bench-peer` unless `to` says otherwise). */
export const sendAs = (from: string, to = '+15550100002') => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ from, password: PASSWORD, to, body: TEXT }),
});

/** The send targets bench/send.ts measures: on-net, on the embedded store (three kinds of
 * account) and on PostgreSQL when TEXTBRIDGE_BENCH_DATABASE_URL is set. */
export async function onNetTargets(
  dataDir: string,
  accounts = true,
): Promise<Array<{ name: string; env: Record<string, string>; from: string }>> {
  const targets: Array<{ name: string; env: Record<string, string>; from: string }> = [];
  await prepareStore(dataDir, '');
  const embedded = { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: '' };
  targets.push({ name: 'send (embedded SQLite)', env: embedded, from: 'bench' });
  if (accounts) {
    targets.push({ name: 'send (embedded SQLite, HA1 account)', env: embedded, from: 'bench-ha1' });
    targets.push({ name: 'send (embedded SQLite, bcrypt account)', env: embedded, from: 'bench-bcrypt' });
  }
  if (PG_URL) {
    await prepareStore(dataDir, PG_URL);
    const pg = { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: PG_URL };
    targets.push({ name: 'send (PostgreSQL)', env: pg, from: 'bench' });
  }
  return targets;
}

async function main(): Promise<void> {
  const targets = await onNetTargets(mkdtempSync(path.join(tmpdir(), 'tb-bench-')));

  const results = new Map<string, Row[]>();
  const add = (k: string, r: Row) => results.set(k, [...(results.get(k) ?? []), r]);
  for (let round = 1; round <= ROUNDS; round++) {
    const hello = await measure(['bench/hello.ts'], {}, '/hello', '/hello');
    add('hello-world ceiling', hello);
    for (const t of targets) {
      const r = await measure(SERVE, t.env, '/readyz', '/send_message', sendAs(t.from));
      add(t.name, r);
      if (r.non2xx > 0 || r.errors > 0)
        console.error(`warning: ${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    }
    console.error(`round ${round}/${ROUNDS} done`);
  }

  const ceiling = median(results.get('hello-world ceiling')!.map((r) => r.reqPerSec));
  console.log(`\n${new Date().toISOString().slice(0, 10)} · ${machine()}`);
  console.log(`${CONNECTIONS} connections, ${DURATION} s, median of ${ROUNDS} rounds\n`);
  console.log('| target | req/s | p50 ms | p99 ms | ratio to ceiling | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, rows] of results) {
    const rps = median(rows.map((r) => r.reqPerSec));
    console.log(
      `| ${name} | ${Math.round(rps)} | ${median(rows.map((r) => r.p50))} | ${median(rows.map((r) => r.p99))} | ${(rps / ceiling).toFixed(2)} | ${median(rows.map((r) => r.rssMb))} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
