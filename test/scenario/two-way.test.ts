import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { type FakeHttpCarrier, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PUBLIC = 'https://sms.example.com';
const TOKEN = 'twilio-token';
const ALICE_PW = password('alice');
const BOB_PW = password('bob');
let svc: TestService;
let push: FakePush;
let carrier: FakeHttpCarrier;

before(async () => {
  push = await startFakePush();
  carrier = await startFakeHttpCarrier();
  svc = await startTestService({
    // The sending carrier and its webhook share the name, so receipts find the carrier's ids.
    carriers: [
      {
        name: 'twilio',
        type: 'http',
        method: 'POST',
        url: `${carrier.url}/send`,
        body: '{"to":"%to%","from":"%from%","text":"%body%"}',
        messageId: 'id',
        timeoutMs: 2_000,
      },
    ],
    routes: [{ carrier: 'twilio' }],
    delivery: { pollMs: 20, waitMs: 2_000 },
    push: { url: push.url, retryDelaysMs: [50], maxAttempts: 3 },
    inbound: { publicUrl: PUBLIC, carriers: { twilio: { type: 'twilio', authToken: TOKEN } } },
  });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB_PW, numbers: ['+15550000002'], region: 'US' });
});
after(async () => {
  await svc.close();
  await push.close();
  await carrier.close();
});

const call = (path: string, body: object) => callOk(svc.url, path, body);
const report = (username: string, password: string, selector: string, extra: object) =>
  call('/push_token', { username, password, selector, ...extra });

test('alice writes to bob: one push to bob whose Id is the sms_id he fetches; her second device sees it sent', async () => {
  await report('bob', BOB_PW, 'BOB:1', {
    pushToken: 'bob-legacy',
    pushappid: 'com.example.legacy',
    pushTokenOther: 'bob-other',
    pushappid_other: 'com.example.msgs',
  });
  const { sms_id: smsId } = await call('/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'lunch?',
  });
  await push.waitFor(() => push.pushes.length >= 1);
  assert.equal(push.pushes.length, 1);
  const p = push.pushes[0]!;
  assert.deepEqual(
    [p['verb'], p['AppId'], p['DeviceToken'], p['Selector'], p['Id'], p['Badge'], p['ThreadId']],
    ['NotifyTextMessage', 'com.example.msgs', 'bob-other', 'BOB:1', smsId, 1, '+15550000001'],
  );
  const bob = await call('/fetch_messages', { username: 'bob', password: BOB_PW, last_id: '' });
  assert.deepEqual(
    bob.received_smss.map((m) => [m['sms_id'], m['sms_text'], m['sender']]),
    [[smsId, 'lunch?', '+15550000001']],
  );
  const tablet = await call('/fetch_messages', { username: 'alice', password: ALICE_PW, device: 'tablet' });
  assert.deepEqual(
    tablet.sent_smss.map((m) => [m['sms_id'], m['recipient'], m['stream_id']]),
    [[smsId, '+15550000002', '+15550000002']],
  );
});

test('a carrier delivers an outside message to alice by webhook: she gets a push and fetches it', async () => {
  await report('alice', ALICE_PW, 'ALICE:1', {
    pushToken: 'alice-legacy',
    pushappid: 'com.example.legacy',
  });
  const fields = { MessageSid: 'SMin1', From: '+442071838750', To: '+15550000001', Body: 'hello alice' };
  const post = () =>
    fetch(`${svc.url}/inbound/twilio`, {
      method: 'POST',
      headers: {
        'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC}/inbound/twilio`, Object.entries(fields)),
      },
      body: new URLSearchParams(fields).toString(),
    });
  assert.equal((await post()).status, 200);
  assert.equal((await post()).status, 200);
  await push.waitFor(() => push.pushes.some((p) => p['DeviceToken'] === 'alice-legacy'));
  const alice = await call('/fetch_messages', { username: 'alice', password: ALICE_PW });
  const got = alice.received_smss.filter((m) => m['sender'] === '+442071838750');
  assert.equal(got.length, 1, 'the carrier retry was stored once');
  assert.equal(got[0]!['sms_text'], 'hello alice');
  const pushesToAlice = push.pushes.filter((p) => p['DeviceToken'] === 'alice-legacy');
  assert.equal(pushesToAlice.length, 1, 'one push for one stored message');
  assert.equal(pushesToAlice[0]!['Id'], got[0]!['sms_id']);
});

test('a push the service refuses for a while is retried, and a token it calls unknown (404) is deleted', async () => {
  push.failNext(1);
  const before = push.pushes.length;
  const { sms_id: first } = await call('/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'again',
  });
  await push.waitFor(() => push.pushes.slice(before).some((p) => p['Id'] === first));

  push.dead.add('bob-other');
  const { sms_id: second } = await call('/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'gone?',
  });
  await push.waitFor(() => push.pushes.some((p) => p['Id'] === second));
  const until = Date.now() + 3_000;
  let rows = 1;
  while (Date.now() < until && rows > 0) {
    rows = (
      await svc.db.kysely
        .selectFrom('push_tokens')
        .select('selector')
        .where('selector', '=', 'BOB:1')
        .execute()
    ).length;
    if (rows > 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(rows, 0, "bob's dead token is gone");
  const bob = await call('/fetch_messages', { username: 'bob', password: BOB_PW });
  assert.ok(
    bob.received_smss.some((m) => m['sms_id'] === second),
    'the message itself is never lost to a push failure',
  );
});

test('alice writes back to the outside number; the carrier receipt marks it delivered and reaches her stream', async () => {
  const { sms_id: smsId } = await call('/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+442071838750',
    body: 'hi from alice',
    disposition_notification: 'reply-1:positive-delivery',
  });
  const status = async () =>
    (
      await svc.db.kysely
        .selectFrom('messages')
        .select('status')
        .where('id', '=', Number(smsId))
        .executeTakeFirstOrThrow()
    ).status;
  const waitStatus = async (want: string) => {
    const until = Date.now() + 5_000;
    while ((await status()) !== want && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await status(), want);
  };
  await waitStatus('sent');
  const sentBody = JSON.parse(carrier.requests.at(-1)!.body) as { text: string };
  assert.equal(sentBody.text, 'hi from alice');
  const carrierId = `fake-${carrier.count() - 1}`;
  const fields = { MessageSid: carrierId, MessageStatus: 'delivered', To: '+442071838750' };
  const res = await fetch(`${svc.url}/inbound/twilio`, {
    method: 'POST',
    headers: {
      'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC}/inbound/twilio`, Object.entries(fields)),
    },
    body: new URLSearchParams(fields).toString(),
  });
  assert.equal(res.status, 200);
  await waitStatus('delivered');
  const alice = await call('/fetch_messages', { username: 'alice', password: ALICE_PW });
  const note = alice.received_smss.find(
    (m) => m['content_type'] === 'application/x-acro-disposition-notification',
  );
  assert.ok(note, "the delivery notification is in alice's stream");
  assert.equal(note['stream_id'], '+442071838750');
  assert.equal(JSON.parse(String(note['sms_text']))['message-id'], 'reply-1');
});
