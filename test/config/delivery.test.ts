/** The `carriers`, `routes` and `delivery` sections: defaults, secrets, and a bad key named at boot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DELIVERY_DEFAULTS, parseDeliveryConfig } from '../../src/config/delivery.js';
import { buildConfig } from '../../src/config/index.js';

const smpp = { name: 'smsc', type: 'smpp', host: 'smsc.example', port: 2775, systemId: 'tb', password: 'pw' };
const parse = (raw: Record<string, unknown>, env: Record<string, string> = {}) =>
  parseDeliveryConfig(buildConfig(raw), env);

test('without delivery settings the defaults apply and there are no carriers or routes', () => {
  const d = parse({});
  assert.deepEqual(d.delivery, DELIVERY_DEFAULTS);
  assert.deepEqual(d.carriers, []);
  assert.deepEqual(d.routes, []);
});

test('an env: value in a carrier is read from the environment at boot', () => {
  const d = parse({ carriers: [{ ...smpp, password: 'env:SMSC_PW' }] }, { SMSC_PW: 'from-env' });
  assert.equal(d.carriers[0]!.settings['password'], 'from-env');
  assert.throws(
    () => parse({ carriers: [{ ...smpp, password: 'env:MISSING' }] }),
    /carriers\.smsc\.password/,
  );
});

test('a bad carrier key fails with its name', () => {
  assert.throws(
    () => parse({ carriers: [{ ...smpp, type: 'smtp' }] }),
    /carriers\.smsc\.type must be one of/,
  );
  assert.throws(
    () => parse({ carriers: [{ ...smpp, host: undefined }] }),
    /carriers\.smsc\.host is required/,
  );
  assert.throws(() => parse({ carriers: [{ ...smpp, name: 'a b' }] }), /carriers\[0\]\.name/);
  assert.throws(() => parse({ carriers: [smpp, smpp] }), /name "smsc" is used twice/);
  assert.throws(() => parse({ carriers: [{ ...smpp, concurrency: 0 }] }), /carriers\.smsc\.concurrency/);
  assert.throws(() => parse({ carriers: [{ ...smpp, ratePerSecond: -1 }] }), /carriers\.smsc\.ratePerSecond/);
  assert.throws(() => buildConfig({ carriers: {} }), /carriers must be an array/);
});

test('a bad route key fails with its name', () => {
  const carriers = [smpp];
  assert.throws(() => parse({ carriers, routes: [{ carrier: 'other' }] }), /routes\[0\]\.carrier must name/);
  assert.throws(
    () => parse({ carriers, routes: [{ carrier: 'smsc', failover: ['nope'] }] }),
    /routes\[0\]\.failover/,
  );
  assert.throws(
    () => parse({ carriers, routes: [{ carrier: 'smsc', prefix: ['+44'] }] }),
    /routes\[0\]\.prefix is not a route key/,
  );
  assert.throws(
    () => parse({ carriers, routes: [{ carrier: 'smsc' }, { carrier: 'smsc', prefixes: ['44x'] }] }),
    /routes\[1\]\.prefixes/,
  );
});

test('a bad delivery key fails with its name', () => {
  assert.throws(() => parse({ delivery: { waitMS: 1 } }), /delivery\.waitMS is not a delivery key/);
  assert.throws(
    () => parse({ delivery: { waitMs: 60_001 } }),
    /delivery\.waitMs must be a whole number from 0 to 60000/,
  );
  assert.throws(() => parse({ delivery: { concurrency: 1.5 } }), /delivery\.concurrency/);
  assert.throws(() => parse({ delivery: { worker: 'yes' } }), /delivery\.worker must be true or false/);
  assert.throws(() => parse({ delivery: { backoff: 5 } }), /delivery\.backoff must be an object/);
  assert.throws(
    () => parse({ delivery: { backoff: { baseMs: 10_000, maxMs: 1_000 } } }),
    /delivery\.backoff\.baseMs must not exceed/,
  );
});
