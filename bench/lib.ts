/**
 * Bench helpers: servers run as child processes (so their RSS and CPU are their own), load from
 * autocannon in this process, figures as medians over rounds.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { ALLOCATOR_ENV, NODE_FLAGS } from '../src/cli/heap.js';
import { freePort } from '../test/helpers/child.js';

export { freePort };

/**
 * The textbridge entry point the benchmarks run: the build (`npm run build`, as `npm start` runs it)
 * when it exists, else the TypeScript source through tsx.
 */
export const TEXTBRIDGE = existsSync('dist/cli/bin.js') ? 'dist/cli/bin.js' : 'src/cli/bin.ts';

/**
 * `textbridge serve` as the production command lines run it (package.json's `start`, the Dockerfile,
 * deploy/textbridge.service): node's flags from src/cli/heap.ts, then the entry point. `spawnServer`
 * adds their allocator environment (`ALLOCATOR_ENV`) to any process that runs `TEXTBRIDGE`.
 */
export const SERVE: readonly string[] = [...NODE_FLAGS, TEXTBRIDGE, 'serve'];

export interface Server {
  proc: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Spawn `node <args>` (with `--import tsx` for a TypeScript entry point) with PORT set and wait until
 * `readyPath` answers 200. A textbridge process (`TEXTBRIDGE` among the args) gets the production
 * allocator environment first (src/cli/heap.ts `ALLOCATOR_ENV`), which `env` may override.
 */
export async function spawnServer(
  args: readonly string[],
  env: Record<string, string>,
  readyPath: string,
): Promise<Server> {
  const port = await freePort();
  // Built JavaScript (dist/) runs as production runs it, without the TypeScript loader.
  const loader = args.some((a) => a.endsWith('.ts')) ? ['--import', 'tsx'] : [];
  // BENCH_SERVER_NODE_ARGS: more node flags for every server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
  // (node refuses --cpu-prof in NODE_OPTIONS). They go after the flags already in `args` (a textbridge
  // server's NODE_FLAGS), just before the script: V8 keeps the last value of a flag given twice, so a
  // trial of `--max-semi-space-size=8` must come after the shipped `=16` to be the one measured.
  const extra = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const script = args.findIndex((a) => !a.startsWith('-'));
  const at = script === -1 ? args.length : script;
  const argv = [...loader, ...args.slice(0, at), ...extra, ...args.slice(at)];
  const proc = spawn(process.execPath, argv, {
    env: {
      ...process.env,
      ...(args.includes(TEXTBRIDGE) ? ALLOCATOR_ENV : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
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

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux almost always). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time a process has used so far (user + system, all its threads), in µs, from /proc/<pid>/stat
 * fields 14 and 15 (proc(5)). Resolution one clock tick (10 ms): difference two readings around a
 * run of seconds.
 */
export function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/**
 * CPU time the whole machine has been busy so far, every core, in µs: /proc/stat's first line (proc(5)),
 * user + nice + system + irq + softirq (guest time is counted in user already; idle, iowait and steal,
 * the time the hypervisor gave another machine, are not work done here). Differenced around a run it
 * is what every process took, the server's, the load generator's (autocannon, in the bench's own
 * process), the SMSC's, and the kernel's network and disk work, whoever it was charged to.
 */
export function machineBusyUs(stat = readFileSync('/proc/stat', 'utf8')): number {
  const line = stat.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('/proc/stat has no "cpu" line');
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)) * 1e6) / CLK_TCK;
}

/** A fake carrier in its own process (bench/fake-carrier-process.ts), asked questions on stdin. */
export interface FakeCarrier {
  port: number;
  pid: number;
  /** Send one command (`count`, `stats`, `reset`) and read its JSON answer. */
  ask(command: 'count' | 'stats' | 'reset'): Promise<{ count: number; ms?: number }>;
  stop(): Promise<void>;
}

/** Start bench/fake-carrier-process.ts (`smpp`: the bench SMSC, bench/fake-smsc.ts). */
export async function startFakeCarrier(
  kind: 'smpp' | 'http',
  opts: { receipts?: boolean; port?: number } = {},
): Promise<FakeCarrier> {
  const args = [kind, ...(opts.receipts ? ['receipts'] : []), ...(opts.port ? [String(opts.port)] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-carrier-process.ts', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('fake carrier exited');
    return JSON.parse(line.value) as { port: number; count: number; ms?: number };
  };
  const { port } = await next();
  return {
    port,
    pid: child.pid!,
    ask: (command) => {
      child.stdin!.write(`${command}\n`);
      return next();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

export interface Load {
  /** 2xx answers in the run. */
  ok: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon(opts);
  return {
    ok: r['2xx'],
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** One run of a server under load: autocannon's figures, its peak RSS and its CPU per 2xx answer. */
export interface Row extends Load {
  rssMb: number;
  /** The server process's CPU (user + system) during the measured run, per 2xx answer, in µs. */
  cpuUsPerMsg: number;
  /**
   * The whole machine's busy CPU during the measured run (`machineBusyUs`: the server, the load
   * generator, the SMSC, the kernel), per 2xx answer, in µs: what one message costs the machine.
   */
  machineUsPerMsg: number;
  /**
   * Messages the carrier (the bench SMSC) took per second of the measured run, where the run sends to
   * one: below `reqPerSec`, the server accepted faster than it delivered and its queue grew.
   */
  carrierPerSec?: number;
}

/**
 * Load `url` for 2 s (warm-up, not reported), then for `duration` s, both at `connections`. The
 * server's processes (`pids`: one, or Kannel's two boxes) are read around the measured run only: CPU
 * summed, peak RSS summed; the whole machine's CPU too (`Row.machineUsPerMsg`). `carrierCount`, when
 * given, reads how many messages the carrier has taken so far; it is read around the measured run too
 * (`Row.carrierPerSec`).
 */
export async function loadRun(
  url: string,
  opts: object,
  pids: number | number[],
  connections: number,
  duration: number,
  carrierCount?: () => Promise<number>,
): Promise<Row> {
  const all = Array.isArray(pids) ? pids : [pids];
  const cpu = () => all.reduce((sum, pid) => sum + cpuUs(pid), 0);
  await load({ ...opts, url, connections, duration: 2 });
  const taken0 = await carrierCount?.();
  const cpu0 = cpu();
  const machine0 = machineBusyUs();
  const started = performance.now();
  const r = await load({ ...opts, url, connections, duration });
  const cpuUsPerMsg = (cpu() - cpu0) / Math.max(1, r.ok);
  const machineUsPerMsg = (machineBusyUs() - machine0) / Math.max(1, r.ok);
  const seconds = (performance.now() - started) / 1000;
  const taken = await carrierCount?.();
  const carrier =
    taken0 !== undefined && taken !== undefined ? { carrierPerSec: (taken - taken0) / seconds } : {};
  const rssMb = all.reduce((sum, pid) => sum + peakRssMb(pid), 0);
  return { ...r, rssMb, cpuUsPerMsg, machineUsPerMsg, ...carrier };
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
