/**
 * `node --import tsx bench/send-cpu.ts`: CPU time per Send Message request, split between the server
 * process and the PostgreSQL server's processes. On a shared machine req/s swings with the neighbours'
 * load; CPU per request much less, so it is the figure to compare code changes with
 * (docs/benchmarks.md, "On PostgreSQL"). Same request as bench/send.ts, 64 connections.
 *
 * Env: DATABASE_URL (postgres://…, required: run `bash scripts/pg-test-server.sh` for a throwaway
 * one), BENCH_DURATION (6 s), BENCH_CONNECTIONS (64).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { makeAccountAdmin } from '../src/app/accounts.js';
import { systemClock } from '../src/app/ports.js';
import { buildConfig } from '../src/config/index.js';
import { openStore } from '../src/main/index.js';
import { makeAdminStore } from '../src/store/adapters/admin.js';
import { load, SERVE, spawnServer } from './lib.js';

const URL = process.env['DATABASE_URL'] ?? '';
const DURATION = Number(process.env['BENCH_DURATION'] ?? 6);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const PASSWORD = 'bench-password-not-a-secret';
if (!URL) throw new Error('set DATABASE_URL to a PostgreSQL server (bash scripts/pg-test-server.sh)');

/** CPU (user + system) of a process so far, in ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return 0;
  }
}
const parentOf = (pid: number) => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return -1;
  }
};

/** The postmaster and all its children (backends, WAL writer, checkpointer…). */
async function postgresPids(): Promise<number[]> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  const backend = Number((await c.query('select pg_backend_pid() as pid')).rows[0].pid);
  const postmaster = parentOf(backend); // before end(): the backend exits with its connection
  await c.end();
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => parentOf(p) === postmaster);
  return [postmaster, ...children];
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-cpu-'));
{
  const db = await openStore(buildConfig({ dataDir, databaseUrl: URL }));
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  const have = new Set((await admin.list()).map((a) => a.username));
  for (const [username, number] of [
    ['bench', '+15550100001'],
    ['bench-peer', '+15550100002'],
  ] as const) {
    if (!have.has(username))
      await admin.add({ username, password: PASSWORD, numbers: [number], region: 'US' });
  }
  await db.close();
}

const server = await spawnServer(SERVE, { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: URL }, '/readyz');
try {
  const body = JSON.stringify({ from: 'bench', password: PASSWORD, to: '+15550100002', body: 'Hello ✓' });
  const opts = {
    url: `${server.url}/send_message`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
  };
  await load({ ...opts, duration: 2 });
  // Backends opened during the warm-up stay open (the pool keeps them), so they are counted here.
  const pids = await postgresPids();
  const sum = () => pids.reduce((t, p) => t + cpuMs(p), 0);
  const pg0 = sum();
  const node0 = cpuMs(server.proc.pid!);
  const r = await load({ ...opts, duration: DURATION });
  const requests = r.reqPerSec * DURATION;
  const perReq = (ms: number) => Math.round((ms * 1000) / requests);
  console.log(
    JSON.stringify({
      reqPerSec: Math.round(r.reqPerSec),
      p50: r.p50,
      p99: r.p99,
      non2xx: r.non2xx,
      nodeUsPerRequest: perReq(cpuMs(server.proc.pid!) - node0),
      postgresUsPerRequest: perReq(sum() - pg0),
    }),
  );
} finally {
  await server.stop();
}
