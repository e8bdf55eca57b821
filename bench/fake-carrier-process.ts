/**
 * A loopback fake carrier in its own process, so a benchmark measures our side and not the fake's
 * share of one event loop. Prints `{"port": n}` on stdout once listening; `count` on stdin prints how
 * many messages it has seen. Usage: node --import tsx bench/fake-carrier-process.ts smpp|http [receipts]
 * (`receipts`: the fake SMSC sends a DELIVRD receipt for every accepted submit_sm).
 */
import { createInterface } from 'node:readline';
import { startFakeHttpCarrier } from '../test/helpers/fake-http-carrier.js';
import { startFakeSmsc } from '../test/helpers/fake-smsc.js';

const kind = process.argv[2];
const receipts = process.argv[3] === 'receipts';
let count: () => number;
let port: number;
if (kind === 'smpp') {
  const smsc = await startFakeSmsc(receipts ? { autoReceipt: 'DELIVRD' } : {});
  port = smsc.port;
  count = () => smsc.submits.length;
} else {
  const fake = await startFakeHttpCarrier({ record: false });
  port = Number(new URL(fake.url).port);
  count = () => fake.count();
}
process.stdout.write(`${JSON.stringify({ port })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'count') process.stdout.write(`${JSON.stringify({ count: count() })}\n`);
}
process.exit(0);
