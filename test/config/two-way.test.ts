import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';

test('push defaults to the public PNM gateway and inbound to no carriers', () => {
  const c = buildConfig({});
  assert.equal(c.push.enabled, true);
  assert.equal(c.push.url, 'https://pnm.cloudsoftphone.com/pnm2/send');
  assert.deepEqual(c.inbound, { publicUrl: '', carriers: {} });
  assert.equal(c.limits.fetchPageSize, 100);
});

test('a bad push or inbound key fails with its full name', () => {
  assert.throws(() => buildConfig({ push: { url: 'ftp://x' } }), /push\.url/);
  assert.throws(() => buildConfig({ push: { maxAttemps: 3 } }), /push\.maxAttemps: unknown key/);
  assert.throws(
    () => buildConfig({ inbound: { carriers: { tw: { type: 'twillio' } } } }),
    /inbound\.carriers\.tw\.type/,
  );
  assert.throws(
    () =>
      buildConfig({
        inbound: {
          carriers: { acme: { type: 'generic', auth: { kind: 'hmac', header: 'x', secret: 's' } } },
        },
      }),
    /inbound\.carriers\.acme\.auth\.kind/,
  );
});

test('webhook secrets may come from the environment', () => {
  const raw = { inbound: { carriers: { tw: { type: 'twilio', authToken: 'env:TW_TOKEN' } } } };
  const c = buildConfig(raw, {}, { TW_TOKEN: 'from-env' });
  assert.deepEqual(c.inbound.carriers['tw'], { type: 'twilio', authToken: 'from-env' });
  assert.throws(
    () => buildConfig(raw, {}, {}),
    /inbound\.carriers\.tw\.authToken: environment variable TW_TOKEN is not set/,
  );
});
