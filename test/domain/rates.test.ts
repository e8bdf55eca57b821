import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { mmsPriceMicros, segmentPriceMicros } from '../../src/domain/rates.js';

const rates = (r: object) => buildConfig({ rates: r }).rates;

test('a picture message costs the longest matching MMS prefix, else the MMS default', () => {
  const r = rates({ default: 0.01, '+44': 0.04, mms: { default: 0.2, '+44': 0.3, '+4477': 0.5 } });
  assert.equal(mmsPriceMicros(r, '+447700900123'), 500_000);
  assert.equal(mmsPriceMicros(r, '+442071838750'), 300_000);
  assert.equal(mmsPriceMicros(r, '+15551234567'), 200_000);
  assert.equal(segmentPriceMicros(r, '+447700900123'), 40_000, 'SMS prices are untouched');
});

test('without an MMS price, a picture message costs one SMS segment to that number', () => {
  assert.equal(mmsPriceMicros(rates({ default: 0.01, '+44': 0.04 }), '+447700900123'), 40_000);
  assert.equal(mmsPriceMicros(rates({ default: 0.01, mms: { '+33': 0.1 } }), '+15551234567'), 10_000);
});

test('an MMS price table refuses keys that are neither default nor a prefix', () => {
  assert.throws(() => rates({ mms: { onNet: 1 } }), /rates\.mms\.onNet is not a key of rates\.mms/);
});
