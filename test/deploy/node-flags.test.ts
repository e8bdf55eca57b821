/**
 * The node flags and allocator environment of src/cli/heap.ts are on every production command line
 * (`npm start`; the Dockerfile and the systemd unit have theirs checked in dockerfile.test.ts and
 * systemd-unit.test.ts) and on the bench's servers, and node takes the flag both ways the docs give it
 * (on its command line, in NODE_OPTIONS): a node given it keeps a smaller young generation than one
 * without it, under the same allocation.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { SERVE, TEXTBRIDGE } from '../../bench/lib.js';
import { ALLOCATOR_ENV, NODE_FLAGS } from '../../src/cli/heap.js';

const run = promisify(execFile);

test('npm start runs node with the production flags and allocator environment, and so does the bench', () => {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
    .scripts['start'];
  const env = Object.entries(ALLOCATOR_ENV).map(([name, value]) => `${name}=${value}`);
  assert.equal(start, [...env, 'node', ...NODE_FLAGS, 'dist/cli/bin.js', 'serve'].join(' '));
  assert.deepEqual(SERVE, [...NODE_FLAGS, TEXTBRIDGE, 'serve']);
});

/**
 * The young generation's largest size (V8's new space) while allocating ~300 MB of short-lived
 * objects. The largest, sampled as it goes: Node 24 without the flag grows it to 64 or 128 MiB and
 * shrinks it again, so a single reading at the end saw 32 MiB in one run of five.
 */
async function newSpaceAfterAllocating(args: string[], env: Record<string, string> = {}): Promise<number> {
  const script = `
    const v8 = require('node:v8');
    let keep = [];
    let largest = 0;
    for (let i = 0; i < 6e6; i++) {
      keep.push({ i });
      if (keep.length > 2e5) {
        keep = [];
        const s = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
        largest = Math.max(largest, s.space_size);
      }
    }
    process.stdout.write(String(largest));`;
  const { stdout } = await run(process.execPath, [...args, '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  return Number(stdout);
}

test('node takes the flags on its command line and in NODE_OPTIONS, and they bound the young generation', async () => {
  const MiB = 2 ** 20;
  const without = await newSpaceAfterAllocating([]);
  const flagged = await newSpaceAfterAllocating([...NODE_FLAGS]);
  const viaOptions = await newSpaceAfterAllocating([], { NODE_OPTIONS: NODE_FLAGS.join(' ') });
  const semi = Number(/^--max-semi-space-size=(\d+)$/.exec(NODE_FLAGS[0] ?? '')?.[1]);
  assert.ok(semi > 0, 'the first flag caps the semi-space');
  // The new space is two semi-spaces.
  assert.ok(flagged <= 2 * semi * MiB, `new space with the flag: ${flagged / MiB} MiB`);
  assert.equal(viaOptions, flagged, 'NODE_OPTIONS gives the same young generation');
  // Node 20 grows it to the same 16 MiB by itself; Node 24 to 64 MiB, which the flag is there for.
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24)
    assert.ok(without > flagged, `without the flag V8 grows it further (${without / MiB} MiB)`);
  else assert.ok(without >= flagged, `the flag never grows it (${without / MiB} MiB without)`);
});
