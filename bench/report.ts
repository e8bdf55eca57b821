/**
 * What `npm run bench` prints: the intake table (req/s against the same run's hello-world ceiling),
 * the drain table (msg/s), every ratio the steps measured, the CPU per message of each path and the
 * largest peak RSS of any server. Medians throughout; a figure a step did not measure is left out.
 */
import os from 'node:os';
import { machine, median, type Row } from './lib.js';

/** One drain target's summary, as bench/delivery.ts prints it with BENCH_JSON=1. */
export interface DrainRow {
  kind: 'smpp' | 'http';
  window: number;
  receipts: boolean;
  /** msg/s, median over the runs. */
  median: number;
  cpuUsPerMsg: number;
  peakRssMb: number;
}

export interface Figures {
  /** Rows per intake target, one per round; `hello-world ceiling` always present. */
  intake: ReadonlyMap<string, readonly Row[]>;
  drains: readonly DrainRow[];
  /** Kannel bearerbox drain, msg/s per run (empty without Kannel). */
  bearerbox: readonly number[];
  drainMessages: number;
  /** The intake loads' connections and measured seconds. */
  connections: number;
  duration: number;
  /** The machine's cores (default: this machine's), for what the whole machine could take. */
  cores?: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const drainName = (d: DrainRow) =>
  d.kind === 'http'
    ? 'textbridge drain to the fake HTTP carrier'
    : `textbridge drain to SMPP, window ${d.window}${d.receipts ? ', with receipts' : ''}`;

export function report(f: Figures): string {
  const med = (name: string, pick: (r: Row) => number) => {
    const rows = f.intake.get(name);
    return rows ? median(rows.map(pick)) : undefined;
  };
  const rate = (name: string) => med(name, (r) => r.reqPerSec);
  const cpu = (name: string) => med(name, (r) => r.cpuUsPerMsg);
  const whole = (name: string) => med(name, (r) => r.machineUsPerMsg);
  const ceiling = rate('hello-world ceiling')!;
  const rounds = f.intake.get('hello-world ceiling')!.length;
  const out: string[] = [
    `\n${new Date().toISOString()} · ${machine()}`,
    `Intake: autocannon, ${f.connections} connections, ${f.duration} s after 2 s of warm-up, median of ${rounds} rounds\n`,
    '| target | req/s | p50 ms | p99 ms | × ceiling | CPU µs/msg | machine µs/msg | peak RSS MB | to the SMSC msg/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const behind: string[] = [];
  for (const [name, rows] of f.intake) {
    const m = (pick: (r: Row) => number) => median(rows.map(pick));
    const bad = rows.reduce((n, r) => n + r.non2xx + r.errors, 0);
    const taken = rows.flatMap((r) => (r.carrierPerSec === undefined ? [] : [r.carrierPerSec]));
    const carrier = taken.length ? median(taken) : undefined;
    const accepted = m((r) => r.reqPerSec);
    out.push(
      `| ${name}${bad ? ` (${bad} non-2xx/errors)` : ''} | ${fmt(accepted)} | ${m((r) => r.p50)} | ${m((r) => r.p99)} | ${(accepted / ceiling).toFixed(2)} | ${fmt(m((r) => r.cpuUsPerMsg))} | ${fmt(m((r) => r.machineUsPerMsg))} | ${m((r) => r.rssMb)} | ${carrier === undefined ? '' : fmt(carrier)} |`,
    );
    // Accepting faster than the carrier takes them is a queue growing, not a rate that can last.
    if (carrier !== undefined && carrier < 0.95 * accepted)
      behind.push(
        `- ${name}: the SMSC took ${fmt(carrier)} msg/s of ${fmt(accepted)} accepted: the queue grew`,
      );
  }
  if (behind.length) out.push('\nDelivery behind intake (same runs):', ...behind);
  const kannelDrain = f.bearerbox.length ? median([...f.bearerbox]) : undefined;
  if (f.drains.length || kannelDrain !== undefined) {
    out.push(
      `\nDrains: ${fmt(f.drainMessages)} queued messages, median of the runs\n`,
      '| drain | msg/s | × ceiling | CPU µs/msg | peak RSS MB |',
      '|---|---:|---:|---:|---:|',
    );
    for (const d of f.drains)
      out.push(
        `| ${drainName(d)} | ${fmt(d.median)} | ${(d.median / ceiling).toFixed(2)} | ${fmt(d.cpuUsPerMsg)} | ${d.peakRssMb} |`,
      );
    if (kannelDrain !== undefined)
      out.push(
        `| Kannel bearerbox drain, max-pending-submits 10 | ${fmt(kannelDrain)} | ${(kannelDrain / ceiling).toFixed(2)} | | |`,
      );
  }

  const onNet = 'send (embedded SQLite)';
  const off10 = 'off-net send to SMPP (window 10)';
  const off100 = 'off-net send to SMPP (window 100)';
  const smpp = (w: number, receipts = false) =>
    f.drains.find((d) => d.kind === 'smpp' && d.window === w && d.receipts === receipts);
  const ratio = (label: string, a: number | undefined, b: number | undefined) => {
    if (a !== undefined && b !== undefined) out.push(`- ${label}: **${(a / b).toFixed(2)} ×**`);
  };
  out.push('\nRatios (same run):');
  const sendsms = rate('Kannel sendsms');
  ratio('off-net send (window 10) / Kannel sendsms', rate(off10), sendsms);
  ratio('off-net send (window 100) / Kannel sendsms', rate(off100), sendsms);
  ratio('on-net send / Kannel sendsms', rate(onNet), sendsms);
  ratio('SMPP drain window 10 / Kannel bearerbox drain', smpp(10)?.median, kannelDrain);
  ratio('SMPP drain window 100 / Kannel bearerbox drain', smpp(100)?.median, kannelDrain);
  out.push('- to the hello-world ceiling: the "× ceiling" columns above');

  const line = (label: string, us: number | undefined) => {
    if (us !== undefined && Number.isFinite(us)) out.push(`- ${label}: ${fmt(us)} µs`);
  };
  out.push('\nCPU per message (server process, user + system):');
  line('on-net send', cpu(onNet));
  line('off-net send (window 10)', cpu(off10));
  const first = cpu(off10) !== undefined && cpu(onNet) !== undefined ? cpu(off10)! - cpu(onNet)! : undefined;
  line('first attempt (off-net send minus on-net send)', first);
  line('drain (SMPP, window 10)', smpp(10)?.cpuUsPerMsg);
  line('drain with receipts (SMPP, window 10)', smpp(10, true)?.cpuUsPerMsg);
  const receiptOnly =
    smpp(10, true) && smpp(10) ? smpp(10, true)!.cpuUsPerMsg - smpp(10)!.cpuUsPerMsg : undefined;
  line('a receipt (with receipts minus without)', receiptOnly);
  line('Kannel sendsms (bearerbox + smsbox)', cpu('Kannel sendsms'));

  // The machine's CPU per message: the server's, the load generator's, the SMSC's and the kernel's
  // work together, the same for both sides. With every core busy at that cost a target could take at
  // most cores × 1 s / (µs a message): a bound on what spreading its work over more threads can give.
  const cores = f.cores ?? os.cpus().length;
  const offMachine = whole(off10);
  const kannelMachine = whole('Kannel sendsms');
  if (offMachine !== undefined && kannelMachine !== undefined) {
    out.push(`\nThe whole machine's CPU per message (every process and the kernel; ${cores} cores):`);
    line('off-net send (window 10)', offMachine);
    line('Kannel sendsms', kannelMachine);
    ratio('Kannel sendsms / off-net send (window 10), the machine per message', kannelMachine, offMachine);
    const reach = (cores * 1e6) / offMachine;
    out.push(
      `- off-net send (window 10) with all ${cores} cores busy at that cost: at most ${fmt(reach)} req/s, ${(reach / sendsms!).toFixed(2)} × Kannel sendsms`,
    );
  }

  const servers = [...f.intake]
    .filter(([name]) => name !== 'hello-world ceiling' && name !== 'Kannel sendsms')
    .flatMap(([, rows]) => rows.map((r) => r.rssMb));
  if (servers.length) out.push(`\ntextbridge serve peak RSS, largest in the run: ${Math.max(...servers)} MB`);
  // bench/delivery.ts runs the worker in its own process from source, through tsx's loader.
  const drainRss = f.drains.map((d) => d.peakRssMb);
  if (drainRss.length)
    out.push(
      `drain processes (worker run from source through tsx) peak RSS, largest: ${Math.max(...drainRss)} MB`,
    );
  return out.join('\n');
}
