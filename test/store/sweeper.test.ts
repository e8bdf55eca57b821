/**
 * The sweeper deletes finished jobs in bulk after their outcome's commit (`store/engine/sweeper.ts`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Sweeper } from '../../src/store/engine/sweeper.js';

function recorder(fail = false) {
  const batches: number[][] = [];
  const errors: unknown[] = [];
  const remove = async (ids: number[]) => {
    batches.push(ids);
    if (fail) throw new Error('disk full');
  };
  return { batches, errors, remove, onError: (e: unknown) => errors.push(e) };
}

test('ids are deleted together once `size` of them wait, not one at a time', () => {
  const r = recorder();
  const s = new Sweeper(r.remove, r.onError, 3, 60_000);
  s.add(1);
  s.add(2);
  assert.deepEqual(r.batches, []);
  s.add(3);
  s.add(4);
  assert.deepEqual(r.batches, [[1, 2, 3]]);
});

test('ids that wait less than `size` are deleted after the linger time', async () => {
  const r = recorder();
  const s = new Sweeper(r.remove, r.onError, 100, 1);
  s.add(7);
  s.add(8);
  while (r.batches.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.deepEqual(r.batches, [[7, 8]]);
});

test('settle deletes what waits now and resolves once every sweep has ended', async () => {
  const r = recorder();
  let finish!: () => void;
  const slow = (ids: number[]) => {
    r.batches.push(ids);
    return new Promise<void>((resolve) => {
      finish = resolve;
    });
  };
  const s = new Sweeper(slow, r.onError, 100, 60_000);
  s.add(1);
  let settled = false;
  const p = s.settle().then(() => {
    settled = true;
  });
  assert.deepEqual(r.batches, [[1]]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'still deleting');
  finish();
  await p;
  assert.equal(settled, true);
});

test('a failed sweep is reported and does not reject anyone', async () => {
  const r = recorder(true);
  const s = new Sweeper(r.remove, r.onError, 1, 60_000);
  s.add(5);
  await s.settle();
  assert.equal(r.errors.length, 1);
  assert.match(String(r.errors[0]), /disk full/);
});
