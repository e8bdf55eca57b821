/** Each section's defaults, ranges and messages: the key's full path, then what is wrong with it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';

const smpp = { name: 'smsc', type: 'smpp', host: 'smsc.example', port: 2775, systemId: 'tb', password: 'pw' };

test('an empty file gives every default, no carriers, no routes and no warnings', () => {
  const c = buildConfig({});
  assert.equal(c.server.port, 8080);
  assert.equal(c.push.enabled, true);
  assert.equal(c.push.url, 'https://pnm.cloudsoftphone.com/pnm2/send');
  assert.deepEqual(c.inbound, { publicUrl: '', carriers: {} });
  assert.equal(c.limits.fetchPageSize, 100);
  assert.deepEqual(c.delivery, {
    waitMs: 3_000,
    maxAttempts: 10,
    maxAgeMs: 24 * 3_600_000,
    backoff: { baseMs: 5_000, maxMs: 15 * 60_000 },
    leaseMs: 60_000,
    concurrency: 200,
    pollMs: 500,
    worker: true,
  });
  assert.deepEqual(c.carriers, []);
  assert.deepEqual(c.routes, []);
  assert.deepEqual(c.warnings, []);
  assert.ok(Object.isFrozen(c.delivery.backoff));
});

test('environment variables and flags override the file, and are checked too', () => {
  const c = buildConfig({ server: { port: 1 } }, { host: '127.0.0.1' }, { PORT: '9000', LOG_LEVEL: 'warn' });
  assert.equal(c.server.port, 9000);
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.log.level, 'warn');
  assert.throws(() => buildConfig({}, {}, { PORT: 'x' }), /PORT must be a port number/);
  assert.throws(() => buildConfig({}, {}, { LOG_LEVEL: 'loud' }), /log\.level: unknown level "loud"/);
  assert.throws(
    () => buildConfig({}, {}, { DATABASE_URL: 'mysql://x' }),
    /databaseUrl \(DATABASE_URL\) must start with postgres:\/\//,
  );
});

test('an env: value in a carrier is read from the environment at load', () => {
  const c = buildConfig({ carriers: [{ ...smpp, password: 'env:SMSC_PW' }] }, {}, { SMSC_PW: 'from-env' });
  assert.equal(c.carriers[0]?.type === 'smpp' && c.carriers[0].password, 'from-env');
  assert.throws(
    () => buildConfig({ carriers: [{ ...smpp, password: 'env:MISSING' }] }),
    /carriers\[0\]\.password: environment variable MISSING is not set/,
  );
});

test('a bad carrier value fails with its path', () => {
  assert.throws(
    () => buildConfig({ carriers: [{ ...smpp, type: 'smtp' }] }),
    /carriers\[0\]\.type must be one of http, smpp, twilio, telnyx, vonage, voipms, log/,
  );
  assert.throws(
    () => buildConfig({ carriers: [{ ...smpp, host: undefined }] }),
    /carriers\[0\]\.host is required/,
  );
  assert.throws(
    () => buildConfig({ carriers: [{ ...smpp, name: 'a b' }] }),
    /carriers\[0\]\.name must be 1-64/,
  );
  assert.throws(() => buildConfig({ carriers: [smpp, smpp] }), /carriers\[1\]\.name "smsc" is used twice/);
  assert.throws(
    () => buildConfig({ carriers: [{ ...smpp, concurrency: 0 }] }),
    /carriers\[0\]\.concurrency must be a whole number of at least 1/,
  );
  assert.throws(
    () => buildConfig({ carriers: [{ ...smpp, ratePerSecond: -1 }] }),
    /carriers\[0\]\.ratePerSecond must be a number above 0/,
  );
  assert.throws(() => buildConfig({ carriers: {} }), /^ConfigError: carriers must be an array/);
  assert.throws(
    () => buildConfig({ carriers: [{ name: 'tx', type: 'telnyx', apiKey: 'k', publicKey: 'c2hvcnQ=' }] }),
    /carriers\[0\]\.publicKey must be base64 of a 32-byte Ed25519 key/,
  );
});

test('a route names configured carriers and prefixes like rate prefixes, or fails with its path', () => {
  const carriers = [smpp];
  assert.throws(
    () => buildConfig({ carriers, routes: [{ carrier: 'other' }] }),
    /routes\[0\]\.carrier "other" names no carriers\[\] entry/,
  );
  assert.throws(
    () => buildConfig({ carriers, routes: [{ carrier: 'smsc', failover: ['nope'] }] }),
    /routes\[0\]\.failover\[0\] "nope" names no carriers\[\] entry/,
  );
  assert.throws(
    () =>
      buildConfig({ carriers, routes: [{ carrier: 'smsc' }, { carrier: 'smsc', prefixes: ['+1', '44'] }] }),
    /routes\[1\]\.prefixes\[1\] must be a prefix like "\+44"/,
  );
  assert.throws(() => buildConfig({ rates: { '44': 0.1 } }), /rates\.44 is not a key of rates: keys are/);
  const ok = buildConfig({ carriers, routes: [{ carrier: 'smsc', prefixes: ['+44'] }] });
  assert.deepEqual(ok.routes, [{ carrier: 'smsc', prefixes: ['+44'], accounts: [], failover: [] }]);
});

test('a bad delivery, push or inbound value fails with its path', () => {
  assert.throws(
    () => buildConfig({ delivery: { waitMs: 60_001 } }),
    /delivery\.waitMs must be a whole number from 0 to 60000/,
  );
  assert.throws(() => buildConfig({ delivery: { concurrency: 1.5 } }), /delivery\.concurrency/);
  assert.throws(() => buildConfig({ delivery: { worker: 'yes' } }), /delivery\.worker must be true or false/);
  assert.throws(() => buildConfig({ delivery: { backoff: 5 } }), /delivery\.backoff must be an object/);
  assert.throws(
    () => buildConfig({ delivery: { backoff: { baseMs: 10_000, maxMs: 1_000 } } }),
    /delivery\.backoff\.baseMs must not exceed/,
  );
  assert.throws(() => buildConfig({ push: { url: 'ftp://x' } }), /push\.url must be an http\(s\) URL/);
  assert.throws(
    () => buildConfig({ push: { retryDelaysMs: [] } }),
    /push\.retryDelaysMs must be a non-empty list/,
  );
  assert.throws(
    () => buildConfig({ inbound: { publicUrl: 'https://x.example/path' } }),
    /inbound\.publicUrl must be a scheme and host/,
  );
  assert.throws(
    () => buildConfig({ inbound: { carriers: { tw: { type: 'twillio' } } } }),
    /inbound\.carriers\.tw\.type must be one of twilio, telnyx, vonage, generic/,
  );
  assert.throws(
    () =>
      buildConfig({
        inbound: {
          carriers: { acme: { type: 'generic', auth: { kind: 'hmac', header: 'x', secret: 's' } } },
        },
      }),
    /inbound\.carriers\.acme\.auth\.kind must be one of header, hmac-sha256/,
  );
});

test('a top-level $schema key is allowed, for editors', () => {
  assert.equal(buildConfig({ $schema: './docs/config.schema.json' }).server.port, 8080);
});
