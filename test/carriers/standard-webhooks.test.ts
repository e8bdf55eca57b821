import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeGenericWebhook } from '../../src/carriers/http/generic-webhook.js';
import type { WebhookRequest } from '../../src/carriers/http/webhook.js';

// The worked example of Svix's manual verification docs, the scheme Standard Webhooks adopted:
// https://docs.svix.com/receiving/verifying-payloads/how-manual
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const SIG = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const hook = (nowSec: number) =>
  makeGenericWebhook({
    carrier: 'acme',
    auth: { kind: 'standard-webhooks', secret: SECRET },
    receipt: { ref: 'test', status: 'test', delivered: ['2432232314'], failed: [] },
    now: () => nowSec * 1000,
  });
const call = (headers: Record<string, string>, url = 'https://x/g'): WebhookRequest => ({
  method: 'POST',
  url,
  headers: { 'webhook-id': ID, 'webhook-timestamp': String(TS), 'webhook-signature': SIG, ...headers },
  rawBody: Buffer.from(BODY),
});

test('a Standard Webhooks call is accepted with its published example signature, among others', () => {
  const out = hook(TS + 10)(call({ 'webhook-signature': `v1,bm90LXRoaXM= ${SIG}` }));
  assert.deepEqual(out, {
    ok: true,
    kind: 'receipt',
    receipt: { carrier: 'acme', carrierRef: '2432232314', status: 'delivered' },
  });
});

test('a Standard Webhooks call with another id, a stale timestamp or no signature is refused', () => {
  assert.deepEqual(hook(TS)(call({ 'webhook-id': 'msg_other' })), {
    ok: false,
    reason: 'bad webhook-signature',
  });
  assert.deepEqual(hook(TS + 301)(call({})), { ok: false, reason: 'webhook-timestamp outside tolerance' });
  assert.deepEqual(hook(TS)(call({ 'webhook-signature': '' })), {
    ok: false,
    reason: 'missing webhook-id or webhook-signature',
  });
});

test('a Standard Webhooks call takes no field from the URL query', () => {
  const out = hook(TS)(call({}, 'https://x/g?test=forged'));
  assert.equal(out.ok && out.kind === 'receipt' && out.receipt.carrierRef, '2432232314');
});
