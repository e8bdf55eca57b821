/**
 * Bench helpers: servers run as child processes (so their RSS and CPU are their own), load from
 * autocannon in this process, figures as medians over rounds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/child.js';

export { freePort };

/**
 * The textbridge entry point the benchmarks run: the build (`npm run build`, as `npm start` runs it)
 * when it exists, else the TypeScript source through tsx.
 */
export const TEXTBRIDGE = existsSync('dist/cli/bin.js') ? 'dist/cli/bin.js' : 'src/cli/bin.ts';

export interface Server {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Spawn `node --import tsx <args>` with PORT set and wait until `readyPath` answers 200. */
export async function spawnServer(
  args: string[],
  env: Record<string, string>,
  readyPath: string,
): Promise<Server> {
  const port = await freePort();
  // Built JavaScript (dist/) runs as production runs it, without the TypeScript loader.
  const loader = args.some((a) => a.endsWith('.ts')) ? ['--import', 'tsx'] : [];
  const proc = spawn(process.execPath, [...loader, ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited early`);
    try {
      if ((await fetch(url + readyPath)).status === 200) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Peak resident set size of a process so far (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

export interface Load {
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon(opts);
  return {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}
