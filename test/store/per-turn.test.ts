/**
 * The one "collect during this event-loop turn, flush later" helper (store/engine/per-turn.ts): what
 * one turn adds is flushed once, after the turn; the next turn starts a new batch; a closed batch
 * is still flushed, and later additions go to a new one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PerTurn } from '../../src/store/engine/per-turn.js';

test('what one turn adds is flushed once, after the turn, and the next turn starts a new batch', async () => {
  const flushed: number[][] = [];
  const turn = new PerTurn<number[]>(
    () => [],
    (b) => flushed.push(b),
  );
  turn.current().push(1);
  turn.current().push(2);
  assert.deepEqual(flushed, [], 'nothing is flushed during the turn');
  await nextTurn();
  assert.deepEqual(flushed, [[1, 2]]);
  assert.equal(turn.peek(), undefined, 'no batch is open after the flush');
  turn.current().push(3);
  await nextTurn();
  assert.deepEqual(flushed, [[1, 2], [3]]);
});

test('a closed batch is still flushed, and what comes after it goes to a batch of its own', async () => {
  const flushed: string[][] = [];
  const turn = new PerTurn<string[]>(
    () => [],
    (b) => flushed.push(b),
  );
  turn.current().push('a', 'b');
  turn.close();
  turn.current().push('c');
  await nextTurn();
  assert.deepEqual(flushed, [['a', 'b'], ['c']]);
});
