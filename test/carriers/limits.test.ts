import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CarrierAdapter, OutboundSms, SendOutcome } from '../../src/app/ports.js';
import { type LimitClock, withLimits } from '../../src/carriers/limits.js';

const msg: OutboundSms = { smsId: '1', from: '+1', to: '+2', body: 'x' };
const never = new AbortController().signal;

/** A carrier whose sends finish only when the test says so, counting how many run at once. */
function gatedCarrier() {
  let running = 0;
  let peak = 0;
  const pending: Array<() => void> = [];
  const adapter: CarrierAdapter = {
    name: 'gated',
    async send(): Promise<SendOutcome> {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => pending.push(r));
      running--;
      return { ok: true, carrierRefs: ['id'] };
    },
  };
  return { adapter, pending, peak: () => peak, running: () => running };
}

const tick = () => new Promise((r) => setImmediate(r));

test('never runs more than the concurrency limit at once, and runs everything in the end', async () => {
  const c = gatedCarrier();
  const limited = withLimits(c.adapter, { concurrency: 3 });
  const all = Array.from({ length: 10 }, () => limited.send(msg, never));
  let done = 0;
  while (done < 10) {
    await tick();
    assert.ok(c.running() <= 3);
    const batch = c.pending.splice(0);
    done += batch.length;
    for (const r of batch) r();
  }
  const outs = await Promise.all(all);
  assert.equal(c.peak(), 3);
  assert.ok(outs.every((o) => o.ok));
});

test('an abort while waiting for a slot is a retryable outcome and frees nothing it did not hold', async () => {
  const c = gatedCarrier();
  const limited = withLimits(c.adapter, { concurrency: 1 });
  const first = limited.send(msg, never);
  const ac = new AbortController();
  const second = limited.send(msg, ac.signal);
  ac.abort();
  assert.deepEqual(await second, {
    ok: false,
    retryable: true,
    reason: 'aborted waiting for a free carrier slot',
  });
  const third = limited.send(msg, never);
  await tick();
  assert.equal(c.running(), 1);
  for (const r of c.pending.splice(0)) r();
  await first;
  await tick();
  for (const r of c.pending.splice(0)) r();
  assert.ok((await third).ok);
  assert.equal(c.peak(), 1);
});

/** Fake time: sleeping records the wait and returns at once. */
function fakeClock(now = 1000) {
  const waits: number[] = [];
  const clock: LimitClock = {
    now: () => now,
    sleep: async (ms, signal) => {
      waits.push(ms);
      return !signal.aborted;
    },
  };
  return { clock, waits };
}

test('the rate limit spaces starts evenly after the burst', async () => {
  const { clock, waits } = fakeClock();
  const ok: CarrierAdapter = { name: 'ok', send: async () => ({ ok: true, carrierRefs: [] }) };
  const limited = withLimits(ok, { ratePerSecond: 4, burst: 2 }, clock);
  await Promise.all(Array.from({ length: 6 }, () => limited.send(msg, never)));
  // Two go at once (burst 2), then one every 250 ms.
  assert.deepEqual(waits, [250, 500, 750, 1000]);
});

test('an abort while waiting for the rate limit is retryable, not a throw', async () => {
  const { clock } = fakeClock();
  const ok: CarrierAdapter = { name: 'ok', send: async () => ({ ok: true, carrierRefs: [] }) };
  const limited = withLimits(ok, { ratePerSecond: 1 }, clock);
  assert.ok((await limited.send(msg, never)).ok);
  const ac = new AbortController();
  ac.abort();
  assert.deepEqual(await limited.send(msg, ac.signal), {
    ok: false,
    retryable: true,
    reason: 'aborted waiting for the carrier rate limit',
  });
});

test('nonsense limits fail at wrap time', () => {
  const ok: CarrierAdapter = { name: 'ok', send: async () => ({ ok: true, carrierRefs: [] }) };
  assert.throws(() => withLimits(ok, { concurrency: 0 }), /concurrency/);
  assert.throws(() => withLimits(ok, { ratePerSecond: -1 }), /ratePerSecond/);
});
