/**
 * Delivery throughput: 20,000 queued messages on the embedded store drained by one worker
 * to the fake SMSC and, separately, to the fake HTTP carrier (each fake in its own process). Every
 * status update is written durably (SQLite synchronous=FULL), in batches.
 * Before the measured runs of each target, one unreported warm-up drain (BENCH_WARMUP messages,
 * default 4,000) lets V8 compile the delivery path, as the send bench warms up for 2 s: without it the
 * first run in the process was always the slowest by about 10 % (docs/benchmarks.md).
 * BENCH_RECEIPTS=1: the fake SMSC also sends a delivery receipt for every message, and a run ends when
 * every message is `delivered` (receipts decoded, matched and written durably too), not `sent`.
 * The SMPP peer is bench/fake-smsc.ts, the same loopback SMSC `npm run bench` gives Kannel.
 * BENCH_WINDOW: the smpp carrier's `window` (default 10); BENCH_MAX_UNRECORDED: its `maxUnrecorded`
 * (default: the carrier's own, docs/delivery.md). BENCH_OWN_COMMITS=1: outcomes and receipts
 * committed on their own, not in the store's group commit as the service writes them. BENCH_JSON=1:
 * after each target, one line `{"kind", "window", "receipts", "median", "cpuUsPerMsg", "peakRssMb"}`
 * (medians over the runs; CPU and RSS are this process's, which runs the worker), for bench/run.ts.
 * Usage: node --import tsx bench/delivery.ts [messages=20000] [runs=3] [smpp,http]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../src/app/ports.js';
import { buildConfig } from '../src/config/index.js';
import { startDelivery } from '../src/main/delivery.js';
import { makeStore } from '../src/store/adapters/store.js';
import { openDb } from '../src/store/engine/db.js';
import { migrate } from '../src/store/migrations/index.js';
import { insertAccount, insertNumbers } from '../src/store/sql/accounts.js';
import { queueMessages } from '../test/helpers/db.js';
import { median, startFakeCarrier } from './lib.js';

const total = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 3);
const kinds = (process.argv[4] ?? 'smpp,http').split(',');
const warmup = Number(process.env['BENCH_WARMUP'] ?? 4_000);
const receipts = process.env['BENCH_RECEIPTS'] === '1';
const window = Number(process.env['BENCH_WINDOW'] ?? 10);
const json = process.env['BENCH_JSON'] === '1';

function carrierFor(kind: string, port: number) {
  return kind === 'smpp'
    ? {
        name: 'c',
        type: 'smpp',
        host: '127.0.0.1',
        port,
        systemId: 'textbridge',
        password: 'secret',
        window,
        ...(process.env['BENCH_MAX_UNRECORDED']
          ? { maxUnrecorded: Number(process.env['BENCH_MAX_UNRECORDED']) }
          : {}),
      }
    : {
        name: 'c',
        type: 'http',
        method: 'POST',
        url: `http://127.0.0.1:${port}/send`,
        body: '{"from":"%from%","to":"%to%","text":"%body%"}',
        messageId: 'id',
      };
}

/** One drain of `count` messages: msg/s and this process's CPU per message (µs). */
async function once(kind: string, count: number): Promise<{ rate: number; cpuUsPerMsg: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-'));
  const fake = await startFakeCarrier(kind === 'smpp' ? 'smpp' : 'http', { receipts });
  const config = buildConfig({
    dataDir,
    carriers: [carrierFor(kind, fake.port)],
    routes: [{ carrier: 'c' }],
    delivery: { concurrency: Number(process.env['BENCH_CONCURRENCY'] ?? 400), pollMs: 50 },
  });
  const db = openDb({ dataDir });
  await migrate(db);
  const now = Date.now();
  const account = await db.kysely.transaction().execute(async (trx) => {
    const account = await insertAccount(trx, {
      username: 'bench',
      passwordHash: 'x',
      region: 'US',
      creditMicros: null,
      now,
    });
    await insertNumbers(trx, account, ['+15550001111']);
    return account;
  });
  await queueMessages(db, count, (i) => ({
    senderAccountId: account,
    from: '+15550001111',
    to: `+1555${String(i).padStart(7, '0')}`,
    body: `bench message ${i}`,
  }));
  // Timed from the moment the delivery is up (its links bound, an SMPP link's thread started), as
  // bearerbox's drain is timed from its first submit_sm: starting a thread here costs a run through
  // tsx's loader about 0.3 s of compiling that a server pays once.
  // Outcomes and receipts written through the store's group commit, as `textbridge serve` and
  // `textbridge worker` write them (src/main/service.ts, src/main/worker.ts). BENCH_OWN_COMMITS=1: in
  // transactions of their own instead, to compare.
  const writes =
    process.env['BENCH_OWN_COMMITS'] === '1' ? {} : { writes: makeStore(db, systemClock).inTransaction };
  const delivery = await startDelivery(config, db, pino({ level: 'silent' }), systemClock, {
    runWorker: true,
    ...writes,
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Done when no job is left (every message sent), or with receipts when every message is delivered.
  const final = receipts && kind === 'smpp' ? 'delivered' : 'sent';
  const ended = () =>
    db.kysely
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', final)
      .executeTakeFirstOrThrow();
  for (;;) {
    const left = await db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) {
      // Counting `delivered` scans the table (no index holds final statuses): not too often.
      if (final === 'sent' || Number((await ended()).n) === count) break;
      await new Promise((r) => setTimeout(r, 80));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${kind}: ${Math.round((cpu.user + cpu.system) / count)} µs CPU per message (user ${Math.round(cpu.user / 1000)} ms, system ${Math.round(cpu.system / 1000)} ms) in ${seconds.toFixed(2)} s`,
  );
  const done = await ended();
  await delivery.close();
  await db.close();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (Number(done.n) !== count) throw new Error(`${kind}: only ${done.n} of ${count} ${final}`);
  return { rate: count / seconds, cpuUsPerMsg: (cpu.user + cpu.system) / count };
}

console.log(`delivery bench: ${total} messages, ${cpus().length} cores, Node ${process.version}`);
for (const kind of kinds) {
  if (warmup > 0)
    console.log(`${kind} warm-up (${warmup} messages): ${Math.round((await once(kind, warmup)).rate)} msg/s`);
  const results: Array<{ rate: number; cpuUsPerMsg: number }> = [];
  for (let r = 0; r < runs; r++) {
    const result = await once(kind, total);
    results.push(result);
    console.log(`${kind} run ${r + 1}: ${Math.round(result.rate)} msg/s`);
  }
  const rate = median(results.map((r) => r.rate));
  console.log(`${kind} median: ${Math.round(rate)} msg/s`);
  if (json) {
    const cpuUsPerMsg = median(results.map((r) => r.cpuUsPerMsg));
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify({ kind, window, receipts, median: rate, cpuUsPerMsg, peakRssMb }));
  }
}
