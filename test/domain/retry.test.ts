import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAttempt } from '../../src/domain/retry.js';

const policy = { maxAttempts: 5, maxAgeMs: 3_600_000, baseMs: 1_000, maxMs: 60_000 };

test('the delay cap doubles with each attempt and stops at maxMs', () => {
  const top = (attempts: number) => nextAttempt(policy, attempts, 0, 0, () => 0.999999);
  assert.deepEqual(top(1), { retryAt: 999 });
  assert.deepEqual(top(2), { retryAt: 1_999 });
  assert.deepEqual(top(3), { retryAt: 3_999 });
  assert.deepEqual(
    nextAttempt({ ...policy, maxAttempts: 99 }, 20, 0, 0, () => 0.999999),
    { retryAt: 59_999 },
  );
});

test('full jitter draws the delay anywhere from zero to the cap', () => {
  assert.deepEqual(
    nextAttempt(policy, 3, 0, 100, () => 0),
    { retryAt: 100 },
  );
  assert.deepEqual(
    nextAttempt(policy, 3, 0, 100, () => 0.5),
    { retryAt: 2_100 },
  );
});

test('gives up after maxAttempts attempts', () => {
  assert.deepEqual(nextAttempt(policy, 5, 0, 0), { giveUp: 'gave up after 5 attempts' });
});

test('gives up once the message is older than maxAgeMs, and never schedules past that age', () => {
  assert.ok('giveUp' in nextAttempt(policy, 1, 0, 3_600_000));
  assert.deepEqual(
    nextAttempt(policy, 4, 0, 3_599_000, () => 0.999),
    { retryAt: 3_600_000 },
  );
});
