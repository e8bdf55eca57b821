import assert from 'node:assert/strict';
import { test } from 'node:test';
import { machineBusyUs, type Row } from '../../bench/lib.js';
import { type DrainRow, report } from '../../bench/report.js';

const row = (
  reqPerSec: number,
  cpuUsPerMsg: number,
  rssMb = 150,
  carrierPerSec?: number,
  machineUsPerMsg = cpuUsPerMsg + 30,
): Row => ({
  ok: reqPerSec * 10,
  reqPerSec,
  p50: 1,
  p99: 5,
  non2xx: 0,
  errors: 0,
  rssMb,
  cpuUsPerMsg,
  machineUsPerMsg,
  ...(carrierPerSec === undefined ? {} : { carrierPerSec }),
});
const drain = (window: number, median: number, cpuUsPerMsg: number, receipts = false): DrainRow => ({
  kind: 'smpp',
  window,
  receipts,
  median,
  cpuUsPerMsg,
  peakRssMb: 180,
});

test('the report divides each textbridge figure by its Kannel counterpart and by the ceiling, with medians over rounds', () => {
  const intake = new Map<string, Row[]>([
    ['hello-world ceiling', [row(100_000, 10), row(80_000, 10), row(90_000, 10)]],
    ['send (embedded SQLite)', [row(20_000, 40), row(22_000, 40), row(24_000, 40)]],
    ['off-net send to SMPP (window 10)', [row(8_000, 190)]],
    ['Kannel sendsms', [row(16_000, 60, 30)]],
  ]);
  const text = report({
    intake,
    drains: [drain(10, 17_000, 100), drain(10, 12_000, 150, true)],
    bearerbox: [30_000, 34_000, 40_000],
    drainMessages: 20_000,
    connections: 64,
    duration: 10,
  });
  assert.match(text, /off-net send \(window 10\) \/ Kannel sendsms: \*\*0\.50 ×\*\*/);
  assert.match(text, /on-net send \/ Kannel sendsms: \*\*1\.38 ×\*\*/);
  assert.match(text, /SMPP drain window 10 \/ Kannel bearerbox drain: \*\*0\.50 ×\*\*/);
  // The on-net send's median (22,000) over the ceiling's median (90,000).
  assert.match(text, /\| send \(embedded SQLite\) \| 22,000 \| 1 \| 5 \| 0\.24 \|/);
  assert.match(text, /first attempt \(off-net send minus on-net send\): 150 µs/);
  assert.match(text, /a receipt \(with receipts minus without\): 50 µs/);
  // Kannel's RSS is not textbridge's, and the servers' is told apart from the drain processes'.
  assert.match(text, /textbridge serve peak RSS, largest in the run: 150 MB/);
  assert.match(text, /drain processes \(worker run from source through tsx\) peak RSS, largest: 180 MB/);
});

test('a ratio whose figures a step did not measure is left out, not printed as NaN', () => {
  const text = report({
    intake: new Map([['hello-world ceiling', [row(50_000, 10)]]]),
    drains: [],
    bearerbox: [],
    drainMessages: 20_000,
    connections: 64,
    duration: 10,
  });
  assert.doesNotMatch(text, /NaN|Kannel/);
});

test('the rate the SMSC took messages at is shown beside the intake, and a queue that grew is named', () => {
  const text = report({
    intake: new Map([
      ['hello-world ceiling', [row(50_000, 10)]],
      [
        'off-net send to SMPP (window 10)',
        [row(8_000, 150, 160, 5_000), row(9_000, 150, 160, 5_500), row(7_000, 150, 160, 4_000)],
      ],
      ['off-net send to SMPP (window 100)', [row(6_000, 200, 170, 5_900)]],
      ['Kannel sendsms', [row(10_000, 130, 30, 10_000)]],
    ]),
    drains: [],
    bearerbox: [],
    drainMessages: 20_000,
    connections: 64,
    duration: 10,
  });
  // Medians: 8,000 accepted, 5,000 taken.
  assert.match(text, /\| off-net send to SMPP \(window 10\) \| 8,000 \|.*\| 160 \| 5,000 \|/);
  assert.match(
    text,
    /off-net send to SMPP \(window 10\): the SMSC took 5,000 msg\/s of 8,000 accepted: the queue grew/,
  );
  // Within 5 %: kept up. Without a carrier count: the column is empty.
  assert.doesNotMatch(text, /window 100\): the SMSC took/);
  assert.doesNotMatch(text, /Kannel sendsms: the SMSC took/);
  assert.match(text, /\| hello-world ceiling \| 50,000 \|.*\| 150 \| {2}\|/);
});

test("the whole machine's CPU per message is compared with Kannel's, and bounds what all cores could take", () => {
  const text = report({
    intake: new Map([
      ['hello-world ceiling', [row(50_000, 10)]],
      [
        'off-net send to SMPP (window 10)',
        [row(10_000, 120, 190, undefined, 160), row(9_000, 130, 190, undefined, 170)],
      ],
      ['Kannel sendsms', [row(16_000, 85, 30, undefined, 125)]],
    ]),
    drains: [],
    bearerbox: [],
    drainMessages: 20_000,
    connections: 64,
    duration: 10,
    cores: 2,
  });
  // Medians: 165 µs off-net, 125 µs Kannel; 2 cores × 1 s / 165 µs = 12,121 req/s, 0.76 × 16,000.
  assert.match(text, /\| off-net send to SMPP \(window 10\) \| 9,500 \|.*\| 125 \| 165 \| 190 \|/);
  assert.match(
    text,
    /Kannel sendsms \/ off-net send \(window 10\), the machine per message: \*\*0\.76 ×\*\*/,
  );
  assert.match(text, /with all 2 cores busy at that cost: at most 12,121 req\/s, 0\.76 × Kannel sendsms/);
});

test('without Kannel the machine comparison is left out', () => {
  const text = report({
    intake: new Map([
      ['hello-world ceiling', [row(50_000, 10)]],
      ['off-net send to SMPP (window 10)', [row(10_000, 120)]],
    ]),
    drains: [],
    bearerbox: [],
    drainMessages: 20_000,
    connections: 64,
    duration: 10,
  });
  assert.doesNotMatch(text, /whole machine|Kannel/);
});

test("the machine's busy time counts user, nice, system, irq and softirq, not idle, iowait or steal", () => {
  const one = machineBusyUs('cpu  1 0 0 0 0 0 0 0 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\n');
  // user 100, nice 5, system 50, idle 1000, iowait 20, irq 3, softirq 2, steal 7, guest 4 (in user).
  const busy = machineBusyUs('cpu  100 5 50 1000 20 3 2 7 4 0\ncpu0 50 2 25 500 10 1 1 3 2 0\n');
  assert.equal(busy / one, 160);
  assert.throws(() => machineBusyUs('intr 1 2 3\n'), /no "cpu" line/);
  // This machine's: it never runs backwards.
  const a = machineBusyUs();
  assert.ok(machineBusyUs() >= a);
});
