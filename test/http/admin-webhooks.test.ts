/**
 * Refused and ignored inbound carrier webhooks are kept, masked, in a bounded table the admin API
 * shows newest first; a webhook that is stored is not listed.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, test } from 'node:test';
import { adminCall, adminToken } from '../helpers/admin.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const SECRET = 'hmac-secret-for-refusals';
const service = await startTestService({
  push: { enabled: false },
  inbound: { publicUrl: 'https://sms.example.com' },
  carriers: [
    {
      name: 'acme',
      type: 'http',
      method: 'POST',
      url: 'https://acme.example/send',
      webhook: {
        auth: { kind: 'hmac-sha256', header: 'X-Signature', secret: SECRET },
        inbound: { from: 'data.from', to: 'data.to', body: 'data.text', id: 'data.id' },
      },
    },
  ],
});
after(() => service.close());
await service.admin.add({
  username: 'zoe',
  password: password('zoe'),
  numbers: ['+15550007001'],
  region: 'US',
});
const token = await adminToken(service.config, 'ops', true);

const TS = Math.floor(Date.now() / 1000);
const post = (carrier: string, body: string, signature?: string) =>
  fetch(`${service.url}/inbound/${carrier}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-timestamp': String(TS),
      ...(signature ? { 'x-signature': signature } : {}),
    },
    body,
  });
/** The generic carrier's HMAC over the timestamp and the body. */
const sign = (body: string) => createHmac('sha256', SECRET).update(`${TS}.${body}`).digest('hex');
const refused = async () => (await adminCall(service.url, token, 'GET', '/webhooks/refused')).body.webhooks;

test('a bad signature, an unknown carrier and an unknown number are listed newest first, masked', async () => {
  const forged = JSON.stringify({
    data: {
      from: '+15559990000',
      to: '+15550007001',
      text: 'hi',
      id: 'f1',
      api_key: 'sk_live_abcdefghijklmnop',
    },
  });
  assert.equal((await post('acme', forged, 'bad')).status, 403);
  assert.equal((await post('nosuch', '{}')).status, 404);
  const stranger = JSON.stringify({
    data: { from: '+15559990000', to: '+15550009999', text: 'x', id: 'f2' },
  });
  assert.equal((await post('acme', stranger, sign(stranger))).status, 404);
  const list = await refused();
  assert.deepEqual(
    list.map((w: { carrier: string; reason: string }) => [w.carrier, w.reason.split(':')[0]]),
    [
      ['acme', 'no account holds the number'],
      ['nosuch', 'unknown carrier'],
      ['acme', 'signature'],
    ],
  );
  const bad = list[2];
  assert.match(bad.excerpt, /^POST \/inbound\/acme /);
  assert.ok(!bad.excerpt.includes('sk_live_abcdefghijklmnop'), bad.excerpt);
  assert.ok(bad.excerpt.length <= 200);
  assert.ok(Date.parse(bad.at) <= Date.now());
});

test('a webhook that is stored is not listed', async () => {
  const before = (await refused()).length;
  const good = JSON.stringify({
    data: { from: '+15559990000', to: '+15550007001', text: 'hello', id: 'g1' },
  });
  assert.equal((await post('acme', good, sign(good))).status, 200);
  assert.equal((await refused()).length, before);
});
