/** Money as the app shows it: exact decimals from micro-units, in the provider's format. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillMoney, formatMicros } from '../../src/domain/money.js';

test('a balance is cut to its decimals, never rounded up', () => {
  assert.equal(formatMicros(60_200_000, 2), '60.20');
  assert.equal(formatMicros(19_999, 2), '0.01');
  assert.equal(formatMicros(999_999, 2), '0.99');
  assert.equal(formatMicros(7_000_000, 0), '7');
  assert.equal(formatMicros(0, 2), '0.00');
});

test('an exact price keeps every decimal it has, and at least the minimum', () => {
  assert.equal(formatMicros(7_500, 2, true), '0.0075');
  assert.equal(formatMicros(10_000, 2, true), '0.01');
  assert.equal(formatMicros(1, 2, true), '0.000001');
  assert.equal(formatMicros(50_000_000, 2, true), '50.00');
});

test('the format gets the amount and the currency wherever it names them', () => {
  assert.equal(fillMoney('%currency% %amount%', '1.00', 'EUR'), 'EUR 1.00');
  assert.equal(fillMoney('$%amount%', '60.20', 'USD'), '$60.20');
  assert.equal(fillMoney('%amount% %currency% (%amount%)', '2', 'GBP'), '2 GBP (2)');
});
