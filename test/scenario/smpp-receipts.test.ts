import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

// A message sent over SMPP whose sender asked for positive-delivery: the SMSC's DELIVRD receipt, a
// deliver_sm over the real bind, earns the sender the notification docs/two-way.md promises, as a
// carrier webhook's receipt does.
const DISPOSITION = 'application/x-acro-disposition-notification';
const ALICE_PW = password('alice');
let svc: TestService;
let smsc: FakeSmsc;
let push: FakePush;

before(async () => {
  smsc = await startFakeSmsc();
  push = await startFakePush();
  svc = await startTestService({
    carriers: [smsc.carrier()],
    routes: [{ carrier: 'smsc' }],
    delivery: { pollMs: 20 },
    push: { url: push.url, retryDelaysMs: [50], maxAttempts: 3 },
  });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
  await callOk(svc.url, '/push_token', {
    username: 'alice',
    password: ALICE_PW,
    selector: 'alice:1',
    pushToken: 'alice-token',
    pushappid: 'app',
  });
  await smsc.waitFor(() => smsc.binds >= 1);
});
after(async () => {
  await svc.close();
  await smsc.close();
  await push.close();
});

test('an SMPP delivery receipt puts the positive-delivery notice in the sender stream, once', async () => {
  const { sms_id: smsId } = await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+442071838750',
    body: 'did you get this?',
    disposition_notification: 'smpp-1:positive-delivery',
  });
  await smsc.waitFor(() => smsc.submits.length === 1 && smsc.submits[0]!.messageId !== '');
  const ref = smsc.submits[0]!.messageId;
  smsc.sendReceipt(ref, 'DELIVRD');
  smsc.sendReceipt(ref, 'DELIVRD'); // an SMSC's repeat changes nothing
  await smsc.waitFor(() => smsc.deliverAnswers.length === 2 && smsc.unanswered() === 0, 10_000);

  const row = await svc.db.kysely
    .selectFrom('messages')
    .select('status')
    .where('id', '=', Number(smsId))
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'delivered');
  const fetched = await callOk(svc.url, '/fetch_messages', { username: 'alice', password: ALICE_PW });
  const notes = fetched.received_smss.filter((m) => m['content_type'] === DISPOSITION);
  assert.equal(notes.length, 1, 'one notice however many receipts');
  assert.equal(notes[0]!['stream_id'], '+442071838750', 'in the conversation it is about');
  const body = JSON.parse(String(notes[0]!['sms_text'])) as Record<string, Record<string, string>>;
  assert.equal(body['message-id'] as unknown, 'smpp-1');
  assert.equal(body['delivery-notification']?.['status'], 'delivered');
  // The outbox was rung for the notice's push: it leaves at once, not at a poll.
  await push.waitFor(() => push.pushes.some((p) => p['Id'] === notes[0]!['sms_id']));
});
