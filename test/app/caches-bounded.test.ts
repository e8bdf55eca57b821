import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makeAuthenticate } from '../../src/app/authenticate.js';
import { parseAddress } from '../../src/domain/address.js';
import { Lru } from '../../src/domain/lru.js';

// Whatever a stranger sends must not stay in memory: usernames, client addresses and recipients are
// keys of caches and throttles, so each of those is bounded in entries and in the size of an entry.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, bytes. */
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A distinct string of `kb` kilobytes per `i`, built in the heap (not one shared literal). */
const big = (i: number, kb: number) => `${i}:${'x'.repeat(kb * 1024)}`.split('').join('');

test('the LRU forgets the least recently used entry, and a read counts as a use', () => {
  const lru = new Lru<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3);
  assert.equal(lru.has('b'), false);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.get('c'), 3);
  assert.equal(lru.size, 2);
});

test('hundreds of huge bogus usernames and client addresses leave the heap where it was', async () => {
  const authenticate = makeAuthenticate(
    { byUsername: async () => undefined, byNumber: async () => undefined },
    { now: () => 0 },
    { cacheTtlMs: 60_000, maxFailures: 5, maxFailuresPerAddress: 1_000_000, failureWindowMs: 60_000 },
  );
  const before = heapAfterGc();
  for (let i = 0; i < 400; i++) {
    const r = authenticate({ username: big(i, 64), password: 'x', ip: big(i, 64) });
    await assert.rejects(r, { code: 'SMS_ERR_UNAUTHORIZED' });
  }
  const grown = heapAfterGc() - before;
  // 800 strings of 64 KB kept would be 50 MB.
  assert.ok(grown < 5 * 1024 * 1024, `the heap grew by ${Math.round(grown / 1024)} KB`);
});

test('thousands of huge bogus recipients leave the heap where it was', () => {
  const before = heapAfterGc();
  for (let i = 0; i < 2000; i++) assert.equal(parseAddress(big(i, 16), 'US'), undefined);
  const grown = heapAfterGc() - before;
  // 2,000 texts of 16 KB kept would be 32 MB.
  assert.ok(grown < 5 * 1024 * 1024, `the heap grew by ${Math.round(grown / 1024)} KB`);
});

test('an over-long username is refused like a wrong password, and counts against the address', async () => {
  const authenticate = makeAuthenticate(
    {
      byUsername: async () => assert.fail('an over-long username must not be looked up'),
      byNumber: async () => undefined,
    },
    { now: () => 0 },
    { cacheTtlMs: 60_000, maxFailures: 5, maxFailuresPerAddress: 2, failureWindowMs: 60_000 },
  );
  const long = 'a'.repeat(129);
  await assert.rejects(authenticate({ username: long, password: 'x', ip: '192.0.2.1' }), {
    code: 'SMS_ERR_UNAUTHORIZED',
  });
  await assert.rejects(authenticate({ username: long, password: 'x', ip: '192.0.2.1' }), {
    code: 'SMS_ERR_UNAUTHORIZED',
  });
  await assert.rejects(authenticate({ username: long, password: 'x', ip: '192.0.2.1' }), {
    code: 'SMS_ERR_THROTTLED',
  });
});
