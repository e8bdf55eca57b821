/**
 * A loopback fake carrier in its own process, so a benchmark measures our side and not the fake's
 * share of one event loop. Prints `{"port": n}` on stdout once listening. Commands on stdin, one a
 * line, each answered with one JSON line: `count` → `{"count": n}` (messages seen); `stats` →
 * `{"count": n, "ms": t}` with t the milliseconds from the first to the latest submit_sm (SMPP only);
 * `reset` → `{"count": 0}`, forgetting both.
 * Usage: node --import tsx bench/fake-carrier-process.ts smpp|http [receipts] [port]
 * (`smpp` is bench/fake-smsc.ts; `receipts`: it sends a DELIVRD receipt for every accepted submit_sm).
 */
import { createInterface } from 'node:readline';
import { startFakeHttpCarrier } from '../test/helpers/fake-http-carrier.js';
import { startBenchSmsc } from './fake-smsc.js';

const kind = process.argv[2];
const receipts = process.argv.includes('receipts');
const wanted = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 0);
let count: () => number;
let ms = () => 0;
let reset = () => {};
let port: number;
if (kind === 'smpp') {
  const smsc = await startBenchSmsc({ receipts, port: wanted });
  port = smsc.port;
  count = smsc.count;
  ms = () => smsc.lastAt() - smsc.firstAt();
  reset = smsc.reset;
} else {
  const fake = await startFakeHttpCarrier({ record: false });
  port = Number(new URL(fake.url).port);
  count = () => fake.count();
}
process.stdout.write(`${JSON.stringify({ port })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'reset') reset();
  if (command === 'stats') process.stdout.write(`${JSON.stringify({ count: count(), ms: ms() })}\n`);
  else process.stdout.write(`${JSON.stringify({ count: count() })}\n`);
}
process.exit(0);
