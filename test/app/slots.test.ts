/**
 * The FIFO semaphore under the deliver job's in-flight bound and the carriers' concurrency limits:
 * waiters on one signal share one abort listener, leave on abort, and are granted in arrival order.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { Slots } from '../../src/app/slots.js';

test('hundreds of waiters on one signal add one abort listener, and an abort sends them all away', async () => {
  const slots = new Slots(1);
  const ac = new AbortController();
  assert.equal(await slots.acquire(ac.signal), true);
  const waiting = Array.from({ length: 300 }, () => slots.acquire(ac.signal));
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
  ac.abort();
  assert.deepEqual(new Set(await Promise.all(waiting)), new Set([false]));
  // Nobody waits any more: the slot given back is free again.
  slots.release();
  assert.equal(slots.available, 1);
});

test('waiters are granted in arrival order, and a signal keeps one listener however often its waiters come and go', async () => {
  const slots = new Slots(1);
  const signal = new AbortController().signal;
  await slots.acquire(signal);
  const order: number[] = [];
  const waiting = [0, 1, 2].map((i) => slots.acquire(signal).then((ok) => order.push(ok ? i : -1)));
  for (let i = 0; i < 3; i++) slots.release();
  await Promise.all(waiting);
  assert.deepEqual(order, [0, 1, 2]);
  for (let round = 0; round < 5; round++) {
    const w = slots.acquire(signal);
    slots.release();
    assert.equal(await w, true);
  }
  assert.equal(getEventListeners(signal, 'abort').length, 1);
  assert.equal(slots.available, 0, 'the last one still holds its slot');
});

test('an abort of one signal leaves the waiters of another in the queue', async () => {
  const slots = new Slots(1);
  const a = new AbortController();
  const b = new AbortController();
  await slots.acquire(b.signal);
  const fromA = slots.acquire(a.signal);
  const fromB = slots.acquire(b.signal);
  a.abort();
  assert.equal(await fromA, false);
  slots.release();
  assert.equal(await fromB, true, 'the next waiter, not the aborted one, got the slot');
});
