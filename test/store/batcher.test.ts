/**
 * The write batcher's gap between batches, and the power-of-two chunks of batch statements.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Batcher, chunks, inLists } from '../../src/store/engine/batcher.js';

test('with a gap, an idle batcher writes at once, and what arrives within the gap goes in one batch', async () => {
  const batches: number[][] = [];
  const b = new Batcher<number>(
    async (items) => {
      batches.push(items);
      return undefined;
    },
    { gapMs: 40 },
  );
  const t0 = performance.now();
  await b.add(1);
  assert.ok(performance.now() - t0 < 35, 'the first batch did not wait for a gap');
  // Three adds spread over ~20 ms right after a batch: one batch, written once the gap has passed.
  const pending = [b.add(2)];
  await sleep(10);
  pending.push(b.add(3));
  await sleep(10);
  pending.push(b.add(4));
  await Promise.all(pending);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
  assert.ok(performance.now() - t0 >= 39, 'the second batch started a gap after the first');
});

test('without a gap, a batch starts on the next turn and takes what arrived in this one', async () => {
  const batches: number[][] = [];
  const b = new Batcher<number>(async (items) => {
    batches.push(items);
    return undefined;
  });
  await Promise.all([b.add(1), b.add(2)]);
  await sleep(5);
  await b.add(3);
  assert.deepEqual(batches, [[1, 2], [3]]);
});

test('chunks are powers of two, at most the size, in order, and cover every item once', () => {
  const lengths = (n: number, size: number) => chunks([...Array(n).keys()], size).map((c) => c.length);
  assert.deepEqual(lengths(37, 64), [32, 4, 1]);
  assert.deepEqual(lengths(130, 64), [64, 64, 2]);
  assert.deepEqual(lengths(500, 500), [256, 128, 64, 32, 16, 4]);
  assert.deepEqual(lengths(0, 64), []);
  const distinct = new Set<number>();
  for (let n = 0; n <= 600; n++) {
    const parts = chunks([...Array(n).keys()], 200);
    assert.deepEqual(parts.flat(), [...Array(n).keys()], `every item once, in order (${n})`);
    for (const p of parts) {
      assert.ok(p.length <= 200);
      distinct.add(p.length);
    }
  }
  assert.deepEqual(
    [...distinct].sort((a, b) => a - b),
    [1, 2, 4, 8, 16, 32, 64, 128],
    'eight statement shapes for every count up to 600',
  );
});

test('IN lists are one part up to the size, padded to a power of two with the last id', () => {
  assert.deepEqual(inLists([1, 2, 3], 512), [[1, 2, 3, 3]]);
  assert.deepEqual(inLists([7], 512), [[7]]);
  assert.deepEqual(inLists([], 512), []);
  const ids = [...Array(600).keys()];
  const parts = inLists(ids, 500);
  assert.deepEqual(
    parts.map((p) => p.length),
    [256, 256, 128],
    'at most the largest power of two under the size, each padded',
  );
  assert.deepEqual([...new Set(parts.flat())], ids, 'every id, in order, and nothing else');
});
