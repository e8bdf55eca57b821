/**
 * Webhook settings live in each carrier's `carriers[]` entry, so `/inbound/<name>` is the carrier's
 * name; the deprecated `inbound.carriers` map still works for one release, with a warning per entry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebhookRequest } from '../../src/carriers/http/webhook.js';
import { twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { buildWebhooks } from '../../src/carriers/webhooks.js';
import { buildConfig } from '../../src/config/index.js';

const URL_BASE = 'https://sms.example.com';
const twilio = { type: 'twilio', accountSid: 'AC1', authToken: 'tw-token' };

/** A Twilio inbound SMS posted to `/inbound/<name>`, signed with `token`. */
function twilioCall(name: string, token: string): WebhookRequest {
  const url = `${URL_BASE}/inbound/${name}`;
  const fields = { MessageSid: 'SM1', From: '+15550000002', To: '+15550000001', Body: 'hi' };
  return {
    method: 'POST',
    url,
    headers: { 'x-twilio-signature': twilioSignature(token, url, Object.entries(fields)) },
    rawBody: Buffer.from(new URLSearchParams(fields).toString()),
  };
}

const hooks = (raw: Record<string, unknown>) => {
  const c = buildConfig(raw);
  return { c, webhooks: buildWebhooks(c.carriers, c.inbound.carriers) };
};

test('a carrier entry declares its own webhook, and its name is the webhook path', () => {
  const { c, webhooks } = hooks({ carriers: [{ name: 'tw', ...twilio }] });
  assert.deepEqual(c.warnings, []);
  const out = webhooks.get('tw')!.parse(twilioCall('tw', 'tw-token'));
  assert.ok(out.ok && out.kind === 'inbound');
  assert.equal(out.sms.carrier, 'tw');
  assert.equal(webhooks.get('tw')!.parse(twilioCall('tw', 'wrong')).ok, false);
});

test('carriers without webhook settings have no webhook', () => {
  const { webhooks } = hooks({
    carriers: [
      { name: 'tx', type: 'telnyx', apiKey: 'k' },
      { name: 'vo', type: 'vonage', apiKey: 'k', apiSecret: 's' },
      { name: 'gen', type: 'http', method: 'POST', url: 'https://x.example' },
      { name: 'vo2', type: 'vonage', apiKey: 'k', apiSecret: 's', signatureSecret: 'sig' },
    ],
  });
  assert.deepEqual([...webhooks.keys()], ['vo2']);
});

test('a deprecated inbound.carriers entry without a carrier still works, with a warning naming the new place', () => {
  const { c, webhooks } = hooks({ inbound: { carriers: { old: { type: 'twilio', authToken: 'legacy' } } } });
  assert.deepEqual(c.warnings, [
    'inbound.carriers.old is deprecated: move its keys into a carriers[] entry named "old" of type twilio (until then it works as a receive-only webhook)',
  ]);
  const out = webhooks.get('old')!.parse(twilioCall('old', 'legacy'));
  assert.ok(out.ok && out.kind === 'inbound');
});

test("a deprecated entry serves its name as before: it supplies or overrides the carrier's webhook", () => {
  const tx = { name: 'tx', type: 'telnyx', apiKey: 'k' };
  const key = Buffer.alloc(32, 1).toString('base64');
  const legacy = hooks({ carriers: [tx], inbound: { carriers: { tx: { type: 'telnyx', publicKey: key } } } });
  assert.deepEqual(legacy.c.warnings, [
    'inbound.carriers.tx is deprecated: move its keys into carriers[] entry "tx"',
  ]);
  assert.equal(legacy.webhooks.get('tx')?.type, 'telnyx');

  const both = hooks({
    carriers: [{ name: 'tw', ...twilio }],
    inbound: { carriers: { tw: { type: 'twilio', authToken: 'legacy' } } },
  });
  assert.match(
    both.c.warnings[0]!,
    /^inbound\.carriers\.tw is deprecated: carriers\[\] entry "tw" has webhook settings of its own, which this entry overrides/,
  );
  assert.equal(both.webhooks.get('tw')!.parse(twilioCall('tw', 'legacy')).ok, true);
  assert.equal(both.webhooks.get('tw')!.parse(twilioCall('tw', 'tw-token')).ok, false);
});

test('a deprecated entry of another type than its carrier keeps working, with a warning saying what to change', () => {
  const { c, webhooks } = hooks({
    carriers: [{ name: 'tw', type: 'http', method: 'POST', url: 'https://x.example' }],
    inbound: { carriers: { tw: { type: 'twilio', authToken: 'legacy' } } },
  });
  assert.deepEqual(c.warnings, [
    'inbound.carriers.tw is deprecated: its twilio webhook serves carriers[] entry "tw", which is of type http; a carrier\'s webhook is now of its own type, so make "tw" a twilio carrier with these keys',
  ]);
  assert.equal(webhooks.get('tw')!.parse(twilioCall('tw', 'legacy')).ok, true);
});

test('a deprecated generic HMAC entry keeps its body-only signature, with a warning; in carriers[] a signed timestamp is required by default', () => {
  const auth = { kind: 'hmac-sha256', header: 'x-sig', secret: 's3cret' };
  const legacy = buildConfig({ inbound: { carriers: { g: { type: 'generic', auth } } } });
  const old = legacy.inbound.carriers['g'];
  assert.ok(old?.type === 'generic' && old.auth.kind === 'hmac-sha256');
  assert.equal(old.auth.timestamp, false);
  assert.ok(
    legacy.warnings.some((w) => w.startsWith('inbound.carriers.g.auth signs the body alone')),
    legacy.warnings.join('\n'),
  );
  const current = buildConfig({
    carriers: [{ name: 'g', type: 'http', method: 'POST', url: 'https://x.example', webhook: { auth } }],
  });
  const c = current.carriers[0];
  assert.ok(c?.type === 'http' && c.webhook?.auth.kind === 'hmac-sha256');
  assert.equal(c.webhook.auth.timestamp, true);
  assert.deepEqual(current.warnings, []);
});
