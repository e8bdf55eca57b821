/**
 * `npm run bench`: every throughput figure of textbridge in one run, against the same hello-world
 * ceiling (bench/hello.ts), the same loopback SMSC (bench/fake-smsc.ts, in its own process) and, when
 * it is installed, Kannel. Steps, chosen by the first argument or BENCH_STEPS (comma-separated;
 * default all), e.g. `npm run bench -- offnet,kannel`:
 * - `send`: on-net Send Message as bench/send.ts measures it (embedded store, HA1 and bcrypt
 *   accounts, PostgreSQL when TEXTBRIDGE_BENCH_DATABASE_URL is set);
 * - `offnet`: Send Message to an outside number routed to an smpp carrier (the bench SMSC), the
 *   carrier's `window` 10 (the default) and 100, each server on its own copy of a freshly prepared
 *   store; the SMSC's count gives the rate the carrier took messages at during the run, beside the
 *   rate they were accepted at (also for Kannel's sendsms);
 * - `kannel`: Kannel's sendsms intake to the same SMSC, and bearerbox's drain (bench/kannel.ts);
 * - `drain`: bench/delivery.ts to the bench SMSC at window 10 and 100, and to the fake HTTP carrier;
 * - `receipts`: bench/delivery.ts at window 10 with a receipt for every message;
 * - `fetch`: bench/fetch.ts as it runs alone (BENCH_FETCH_MESSAGES, default 100,000, in the account);
 * - `accounts` (not in the default run): with `send`, also from the accounts whose password is an
 *   imported HA1 or bcrypt hash, as bench/send.ts does alone.
 * The ceiling is measured in every round whatever the steps. HTTP figures: autocannon in this process
 * at BENCH_CONNECTIONS (64) for BENCH_DURATION s (10) after 2 s of warm-up, medians of BENCH_ROUNDS
 * (3), the servers in round-robin within each round. Drains: BENCH_DRAIN_MESSAGES (20,000), medians of
 * BENCH_ROUNDS runs. The report (bench/report.ts) prints every ratio the figures allow.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ALLOCATOR_ENV, NODE_FLAGS } from '../src/cli/heap.js';
import { benchFetch, type FetchBenchOptions, fetchTable } from './fetch.js';
import { bearerboxDrain, KANNEL_INSTALL, kannelBinaries, kannelSendsms } from './kannel.js';
import { type Row, SERVE, startFakeCarrier } from './lib.js';
import { type DrainRow, report } from './report.js';
import { CONNECTIONS, DURATION, measure, onNetTargets, prepareStore, ROUNDS, sendAs, TEXT } from './send.js';

const STEPS = ['send', 'offnet', 'kannel', 'drain', 'receipts', 'fetch', 'accounts'] as const;
/** `accounts` is left out of the default run, which stays under ~10 minutes without it. */
const DEFAULT_STEPS = STEPS.filter((s) => s !== 'accounts');
const DRAIN_MESSAGES = Number(process.env['BENCH_DRAIN_MESSAGES'] ?? 20_000);
const PG_URL = process.env['TEXTBRIDGE_BENCH_DATABASE_URL'] ?? '';
/** Messages in the fetching account (bench/fetch.ts's default); fewer for a quick check. */
const FETCH_MESSAGES = Number(process.env['BENCH_FETCH_MESSAGES'] ?? 100_000);
/** An outside number (Ofcom's range for drama, https://www.ofcom.org.uk/phones-and-broadband/phone-numbers/numbers-for-drama). */
export const OUTSIDE = '+447700900123';

const asked = (process.argv[2] ?? process.env['BENCH_STEPS'] ?? DEFAULT_STEPS.join(','))
  .split(',')
  .filter(Boolean);
const unknown = asked.filter((s) => !(STEPS as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`bench: unknown step ${unknown.join(', ')}; steps are ${STEPS.join(', ')}`);
  process.exit(2);
}
const steps = new Set(asked);

/** A config file for `textbridge serve`: one smpp carrier to the bench SMSC, routed for +44. */
function offNetConfig(dir: string, smscPort: number, window: number): string {
  const file = path.join(dir, `offnet-window-${window}.json`);
  const carrier = {
    name: 'smsc',
    type: 'smpp',
    host: '127.0.0.1',
    port: smscPort,
    systemId: 'textbridge',
    password: 'secret',
    window,
  };
  writeFileSync(
    file,
    JSON.stringify({ carriers: [carrier], routes: [{ prefixes: ['+44'], carrier: 'smsc' }] }),
  );
  return file;
}

/** bench/delivery.ts in its own process; its progress to stderr, its JSON summary returned. */
function drain(kind: 'smpp' | 'http', window: number, receipts: boolean): Promise<DrainRow> {
  // The worker runs with the production command lines' node flags and allocator (src/cli/heap.ts).
  const env = {
    ...process.env,
    ...ALLOCATOR_ENV,
    BENCH_WINDOW: String(window),
    BENCH_RECEIPTS: receipts ? '1' : '0',
    BENCH_JSON: '1',
  };
  const args = [
    '--import',
    'tsx',
    ...NODE_FLAGS,
    'bench/delivery.ts',
    String(DRAIN_MESSAGES),
    String(ROUNDS),
    kind,
  ];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let row: DrainRow | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) row = JSON.parse(line) as DrainRow;
      else console.error(`  ${line}`);
    });
    child.once('exit', (code) =>
      row && code === 0 ? resolve(row) : reject(new Error(`bench/delivery.ts ${kind} exited ${code}`)),
    );
  });
}

const intake = new Map<string, Row[]>();
const add = (name: string, r: Row) => intake.set(name, [...(intake.get(name) ?? []), r]);
const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-'));
const onNet = steps.has('send') ? await onNetTargets(dataDir, steps.has('accounts')) : [];
// Every off-net server starts from its own copy of one store as prepared, its outbox empty. They
// used to share the on-net servers' store, so a server inherited the queue the one before it left
// behind (at window 10 the intake outruns the link) and spent its measured run delivering it too.
const offNetStore = path.join(dataDir, 'off-net-store');
if (steps.has('offnet')) await prepareStore(offNetStore, '');
const kannel = kannelBinaries();
if (steps.has('kannel') && !kannel)
  console.error(`bench: Kannel is not installed, no Kannel figures (to have them: ${KANNEL_INSTALL})`);
const withKannel = steps.has('kannel') && kannel !== undefined;
const smsc = steps.has('offnet') || withKannel ? await startFakeCarrier('smpp') : undefined;
const offNet = [10, 100].map((window) => ({
  name: `off-net send to SMPP (window ${window})`,
  env: { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: '', TEXTBRIDGE_CONFIG: '' },
  window,
}));
for (const t of offNet) t.env.TEXTBRIDGE_CONFIG = smsc ? offNetConfig(dataDir, smsc.port, t.window) : '';
/** submit_sm the bench SMSC has answered so far (bench/lib.ts `Row.carrierPerSec`). */
const smscCount = async () => (await smsc!.ask('count')).count;

/** One off-net server on a fresh copy of the prepared store. */
async function offNetRun(env: Record<string, string>) {
  const store = mkdtempSync(path.join(dataDir, 'off-net-run-'));
  cpSync(offNetStore, store, { recursive: true });
  try {
    const send = sendAs('bench', OUTSIDE);
    return await measure(
      SERVE,
      { ...env, TEXTBRIDGE_DATA_DIR: store },
      '/readyz',
      '/send_message',
      send,
      smscCount,
    );
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

for (let round = 1; round <= ROUNDS; round++) {
  add('hello-world ceiling', await measure(['bench/hello.ts'], {}, '/hello', '/hello'));
  for (const t of onNet) add(t.name, await measure(SERVE, t.env, '/readyz', '/send_message', sendAs(t.from)));
  if (steps.has('offnet')) {
    for (const t of offNet) add(t.name, await offNetRun(t.env));
  }
  if (withKannel)
    add('Kannel sendsms', await kannelSendsms(TEXT, smsc!.port, CONNECTIONS, DURATION, smscCount));
  console.error(`round ${round}/${ROUNDS} done`);
}
if (smsc) console.error(`the bench SMSC answered ${(await smsc.ask('count')).count} submit_sm`);
await smsc?.stop();
rmSync(dataDir, { recursive: true, force: true });

const drains: DrainRow[] = [];
if (steps.has('drain')) {
  drains.push(
    await drain('smpp', 10, false),
    await drain('smpp', 100, false),
    await drain('http', 10, false),
  );
}
if (steps.has('receipts')) drains.push(await drain('smpp', 10, true));
const bearerbox: number[] = [];
if (withKannel) {
  for (let r = 0; r < ROUNDS; r++) {
    bearerbox.push(await bearerboxDrain(TEXT, DRAIN_MESSAGES, 10));
    console.error(`  bearerbox drain run ${r + 1}: ${Math.round(bearerbox.at(-1)!)} msg/s`);
  }
}

const figures = { intake, drains, bearerbox, drainMessages: DRAIN_MESSAGES };
console.log(report({ ...figures, connections: CONNECTIONS, duration: DURATION }));

if (steps.has('fetch')) {
  for (const databaseUrl of ['', PG_URL].filter((u, i) => i === 0 || u)) {
    const o: FetchBenchOptions = {
      messages: FETCH_MESSAGES,
      seconds: DURATION,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      databaseUrl,
    };
    console.log(fetchTable(o, await benchFetch(o)));
  }
}
