import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { type AppAnswer as Answer, callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const DISPOSITION = 'application/x-acro-disposition-notification';
const ALICE_PW = password('alice');
const BOB_PW = password('bob');
let svc: TestService;
let push: FakePush;

before(async () => {
  push = await startFakePush();
  svc = await startTestService({ push: { url: push.url, retryDelaysMs: [50], maxAttempts: 3 } });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB_PW, numbers: ['+15550000002'], region: 'US' });
});
after(async () => {
  await svc.close();
  await push.close();
});

const call = (path: string, body: object) => callOk(svc.url, path, body);
const notes = (a: Answer) =>
  a.received_smss
    .filter((m) => m['content_type'] === DISPOSITION)
    .map((m) => ({
      smsId: String(m['sms_id']),
      streamId: m['stream_id'],
      body: JSON.parse(String(m['sms_text'])) as Record<string, Record<string, string>>,
    }));

test('an on-net message asking for positive-delivery puts the delivery notification in the sender stream at once', async () => {
  const { sms_id: smsId } = await call('/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'did you get this?',
    disposition_notification: 'msg-1:positive-delivery',
  });
  const alice = await call('/fetch_messages', { username: 'alice', password: ALICE_PW });
  const got = notes(alice);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.streamId, '+15550000002', 'in the conversation with bob');
  assert.equal(got[0]!.body['message-id'], 'msg-1');
  assert.equal(got[0]!.body['delivery-notification']?.['status'], 'delivered');
  assert.equal(got[0]!.body['display-notification'], undefined);
  assert.ok(Number(got[0]!.smsId) > Number(smsId));

  // Bob reading it earns nothing more: alice asked for delivery only.
  await call('/fetch_messages', { username: 'bob', password: BOB_PW });
  const again = await call('/fetch_messages', { username: 'alice', password: ALICE_PW });
  assert.equal(notes(again).length, 1);
});

test("a display notification reaches the sender once, when the recipient's first device fetches the message", async () => {
  await call('/push_token', {
    username: 'alice',
    password: ALICE_PW,
    selector: 'ALICE:1',
    pushToken: 'alice-token',
    pushappid: 'com.example.app',
  });
  const cursor = (a: Answer) => String(a.received_smss.at(-1)?.['sms_id'] ?? '');
  const start = cursor(await call('/fetch_messages', { username: 'alice', password: ALICE_PW }));
  const { sms_id: smsId } = await call('/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'read me',
    disposition_notification: 'msg-2:positive-delivery, display',
  });
  const delivered = notes(
    await call('/fetch_messages', { username: 'alice', password: ALICE_PW, last_id: start }),
  );
  assert.deepEqual(
    delivered.map((n) => Object.keys(n.body).sort()),
    [['delivery-notification', 'message-id']],
    'delivered at once, not displayed yet',
  );

  const phone = await call('/fetch_messages', { username: 'bob', password: BOB_PW, device: 'phone' });
  const mine = phone.received_smss.find((m) => m['sms_id'] === smsId)!;
  assert.equal(mine['displayed'], false);
  assert.equal(mine['disposition_notification'], 'msg-2:positive-delivery, display');
  await call('/fetch_messages', { username: 'bob', password: BOB_PW, device: 'tablet' });

  const alice = await call('/fetch_messages', { username: 'alice', password: ALICE_PW, last_id: start });
  const displayed = notes(alice).filter((n) => n.body['display-notification']);
  assert.equal(displayed.length, 1, 'two devices fetching store one notification');
  assert.equal(displayed[0]!.body['message-id'], 'msg-2');
  assert.equal(displayed[0]!.body['display-notification']?.['status'], 'displayed');
  assert.match(
    String(displayed[0]!.body['display-notification']?.['datetime']),
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
  );
  assert.equal(displayed[0]!.streamId, '+15550000002');
  // The notification carries a push job, so alice's app fetches and updates its ticks.
  await push.waitFor(() => push.pushes.some((p) => p['Id'] === displayed[0]!.smsId));
});

test('a message that asked for nothing earns no notification, delivered or displayed', async () => {
  const before = notes(await call('/fetch_messages', { username: 'alice', password: ALICE_PW })).length;
  await call('/send_message', { from: 'alice', password: ALICE_PW, to: '+15550000002', body: 'plain' });
  await call('/fetch_messages', { username: 'bob', password: BOB_PW });
  const after = notes(await call('/fetch_messages', { username: 'alice', password: ALICE_PW })).length;
  assert.equal(after, before);
});
