/**
 * Webhooks over real HTTP: a captured signed call replayed with a new query, a stale timestamp, and a
 * signed payload of the wrong shape. What is refused stores nothing and moves no status.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { insertMessage } from '../../src/store/sql/messages.js';
import { textMessage } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const SECRET = 'hmac-secret';
const telnyxKeys = generateKeyPairSync('ed25519');
const telnyxPublic = Buffer.from(telnyxKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString(
  'base64',
);

let svc: TestService;
let sentId: number;
before(async () => {
  svc = await startTestService({
    push: { enabled: false },
    inbound: { publicUrl: 'https://sms.example.com' },
    carriers: [
      { name: 'telnyx', type: 'telnyx', apiKey: 'k', publicKey: telnyxPublic },
      {
        name: 'acme',
        type: 'http',
        method: 'POST',
        url: 'https://acme.example/send',
        webhook: {
          auth: { kind: 'hmac-sha256', header: 'X-Signature', secret: SECRET },
          inbound: { from: 'data.from', to: 'data.to', body: 'data.text', id: 'data.id' },
          receipt: { ref: 'data.ref', status: 'data.status', delivered: ['DELIVERED'], failed: ['FAILED'] },
        },
      },
    ],
  });
  await svc.admin.add({
    username: 'alice',
    password: password('alice'),
    numbers: ['+15550000001'],
    region: 'US',
  });
  const alice = await svc.db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
  sentId = await insertMessage(
    svc.db.kysely,
    textMessage({
      senderAccountId: Number(alice.id),
      from: '+15550000001',
      to: '+13125550009',
      body: 'x',
      status: 'sent',
    }),
    Date.now(),
  );
  await svc.db.kysely
    .insertInto('carrier_refs')
    .values({ carrier: 'acme', ref: 'acme-7', message_id: sentId, part: 1, status: null })
    .execute();
});
after(() => svc.close());

const messages = async () =>
  (
    await svc.db.kysely
      .selectFrom('messages')
      .select(['id', 'from_addr', 'body', 'status'])
      .orderBy('id')
      .execute()
  ).map((r) => ({ ...r, id: Number(r.id) }));

function acmePost(body: string, query = '', ts = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
  return fetch(`${svc.url}/inbound/acme${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature': sig, 'webhook-timestamp': String(ts) },
    body,
  });
}

const captured = JSON.stringify({
  data: { from: '+13125550002', to: '+15550000001', text: 'genuine', id: 'g-1' },
});

test('a captured signed call replayed with a new query stores nothing forged and moves no status', async () => {
  assert.equal((await acmePost(captured)).status, 200);
  const afterGenuine = await messages();
  const forged = `?${new URLSearchParams({
    'data.from': '+15550000666',
    'data.id': 'x2',
    'data.text': 'spoofed',
    'data.ref': 'acme-7',
    'data.status': 'DELIVERED',
  })}`;
  assert.equal((await acmePost(captured, forged)).status, 200, 'a duplicate of the genuine call');
  assert.deepEqual(await messages(), afterGenuine);
  assert.ok(afterGenuine.some((m) => m.body === 'genuine' && m.from_addr === '+13125550002'));
  assert.equal(afterGenuine.find((m) => m.id === sentId)?.status, 'sent');
});

test('a generic HMAC call with a stale timestamp is refused with 403; a fresh one is stored', async () => {
  const before = await messages();
  const body = JSON.stringify({
    data: { from: '+13125550003', to: '+15550000001', text: 'late', id: 'g-2' },
  });
  assert.equal((await acmePost(body, '', Math.floor(Date.now() / 1000) - 3600)).status, 403);
  assert.deepEqual(await messages(), before);
  const receipt = JSON.stringify({ data: { ref: 'acme-7', status: 'DELIVERED' } });
  assert.equal((await acmePost(receipt)).status, 200);
  assert.equal((await messages()).find((m) => m.id === sentId)?.status, 'delivered');
});

function telnyxPost(event: object) {
  const body = JSON.stringify(event);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = sign(null, Buffer.from(`${ts}|${body}`), telnyxKeys.privateKey).toString('base64');
  return fetch(`${svc.url}/inbound/telnyx`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'telnyx-signature-ed25519': sig, 'telnyx-timestamp': ts },
    body,
  });
}

test('a signed Telnyx event whose media is not an array gets 400 with a reason and a log line', async () => {
  const before = await messages();
  const res = await telnyxPost({
    data: {
      event_type: 'message.received',
      payload: {
        id: 'tx-bad',
        from: { phone_number: '+13125550001' },
        to: [{ phone_number: '+15550000001' }],
        text: 'hi',
        media: 'not-a-list',
      },
    },
  });
  assert.equal(res.status, 400);
  const answer = (await res.json()) as { message: string };
  assert.match(answer.message, /media is not an array/);
  assert.deepEqual(await messages(), before);
  const bad = await telnyxPost({ data: { event_type: 'message.received', payload: { id: 42 } } });
  assert.equal(bad.status, 400);
  const log = readFileSync(svc.logFile, 'utf8');
  assert.match(log, /"reason":"data\.payload\.media is not an array","msg":"webhook malformed"/);
});
