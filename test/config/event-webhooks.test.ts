/** The event webhooks' configuration (`webhooks[]`, `webhookDelivery`): checked at load, secrets masked. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { MASK, maskSecrets } from '../../src/config/mask.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const endpoint = {
  name: 'crm',
  url: 'https://crm.example.com/hooks?token=abc123',
  secret: SECRET,
  events: ['message.status'],
};

test('an endpoint gets its defaults: 10 s timeout, no message text; the low-credit threshold is 1 unit', () => {
  const c = buildConfig({ webhooks: [endpoint] });
  assert.equal(c.webhooks[0]!.timeoutMs, 10_000);
  assert.equal(c.webhooks[0]!.includeText, false);
  assert.equal(c.webhookDelivery.lowCreditMicros, 1_000_000);
  assert.deepEqual(buildConfig({}).webhooks, []);
});

test('an unknown event name is refused, naming its path', () => {
  assert.throws(
    () => buildConfig({ webhooks: [{ ...endpoint, events: ['message.status', 'message.sent'] }] }),
    /webhooks\[0\]\.events\[1\].*must be one of message\.received, message\.status, message\.failed, account\.low_credit/,
  );
});

test('a URL that is not http(s), a secret without whsec_, and a name used twice are refused at load', () => {
  assert.throws(() => buildConfig({ webhooks: [{ ...endpoint, url: 'ftp://x/y' }] }), /webhooks\[0\]\.url/);
  assert.throws(
    () => buildConfig({ webhooks: [{ ...endpoint, secret: 'hunter2' }] }),
    /webhooks\[0\]\.secret/,
  );
  assert.throws(
    () => buildConfig({ webhooks: [endpoint, { ...endpoint }] }),
    /webhooks\[1\]\.name "crm" is used twice/,
  );
  assert.throws(
    () => buildConfig({ webhookDelivery: { baseMs: 10_000, maxMs: 1_000 } }),
    /webhookDelivery\.baseMs must not exceed/,
  );
});

test('the signing secret and credentials in the URL are masked wherever the configuration is shown', () => {
  const shown = maskSecrets(buildConfig({ webhooks: [endpoint] })) as {
    webhooks: Array<Record<string, unknown>>;
  };
  assert.equal(shown.webhooks[0]!['secret'], MASK);
  assert.equal(shown.webhooks[0]!['url'], `https://crm.example.com/hooks?token=${MASK}`);
  assert.ok(!JSON.stringify(shown).includes(SECRET.slice(6)));
});

test('the signing secret may come from the environment (`env:NAME`)', () => {
  const c = buildConfig(
    { webhooks: [{ ...endpoint, secret: 'env:CRM_SECRET' }] },
    {},
    { CRM_SECRET: SECRET },
  );
  assert.equal(c.webhooks[0]!.secret, SECRET);
});
