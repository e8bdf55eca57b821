/** `heapFlags`: the heap growing factor is set unless the operator already gave one to node. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEAP_GROWING_PERCENT, heapFlags } from '../../src/cli/heap.js';

test('set when node was started without it', () => {
  const ours = [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`];
  assert.deepEqual(heapFlags([]), ours);
  assert.deepEqual(heapFlags(['--enable-source-maps', '--max-old-space-size=512']), ours);
  // A flag whose name only starts the same is another flag.
  assert.deepEqual(heapFlags(['--heap-growing-percentage=5']), ours);
});

test('left alone when given on the node command line, in either spelling', () => {
  assert.deepEqual(heapFlags(['--heap-growing-percent=20']), []);
  assert.deepEqual(heapFlags(['--heap_growing_percent', '20']), []);
  assert.deepEqual(heapFlags(['--heap-growing-percent=0']), []);
});
