import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { encodeGsm7, encodeUcs2 } from '../../src/domain/segments.js';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

// MO messages (deliver_sm) from a fake SMSC over the delivery engine's real SMPP bind, through
// the inbound use-case (`app/inbound.ts`), to the right account's Fetch stream (docs/two-way.md "Inbound messages").
const ALICE_PW = password('alice');
const BOB_PW = password('bob');
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
  await svc.admin.add({ username: 'bob', password: BOB_PW, numbers: ['+15550000002'], region: 'US' });
  for (const [username, pw, token] of [
    ['alice', ALICE_PW, 'alice-token'],
    ['bob', BOB_PW, 'bob-token'],
  ] as const) {
    const res = await fetch(`${svc.url}/push_token`, {
      method: 'POST',
      body: JSON.stringify({
        username,
        password: pw,
        selector: `${username}:1`,
        pushToken: token,
        pushappid: 'app',
      }),
    });
    assert.equal(res.status, 200);
  }
  await smsc.waitFor(() => smsc.binds >= 1);
});
after(async () => {
  await svc.close();
  await smsc.close();
  await push.close();
});

type Item = Record<string, unknown>;
async function received(username: string, pw: string): Promise<Item[]> {
  const res = await fetch(`${svc.url}/fetch_messages`, {
    method: 'POST',
    body: JSON.stringify({ username, password: pw, last_id: '0' }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { received_smss: Item[] }).received_smss;
}
/** Poll the account's Fetch stream until a message from `sender` with `text` is there. */
async function arrival(username: string, pw: string, sender: string, text: string): Promise<Item[]> {
  const until = Date.now() + 5_000;
  for (;;) {
    const got = (await received(username, pw)).filter(
      (m) => m['sender'] === sender && m['sms_text'] === text,
    );
    if (got.length > 0 || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const rowsWithBody = (body: string) =>
  svc.db.kysely
    .selectFrom('messages')
    .select(['id', 'recipient_account_id', 'inbound_key', 'status'])
    .where('body', '=', body)
    .execute();

test('a single GSM MO message lands in the addressed account stream once, with a push', async () => {
  smsc.sendMo({ from: '15557654321', to: '15550000001', data: encodeGsm7('Hi {there} €5') });
  const got = await arrival('alice', ALICE_PW, '+15557654321', 'Hi {there} €5');
  assert.equal(got.length, 1);
  assert.equal(got[0]!['stream_id'], '+15557654321');
  assert.equal(got[0]!['content_type'], 'text/plain');
  const rows = await rowsWithBody('Hi {there} €5');
  assert.equal(rows.length, 1, 'stored once');
  assert.equal(rows[0]!.status, 'received');
  assert.match(String(rows[0]!.inbound_key), /^smsc\|smpp-mo:[0-9a-f-]{36}$/);
  assert.deepEqual(await received('bob', BOB_PW), [], 'nothing for the other account');
  await push.waitFor(() => push.pushes.some((p) => p['Id'] === got[0]!['sms_id']));
  assert.equal(push.pushes.find((p) => p['Id'] === got[0]!['sms_id'])!['DeviceToken'], 'alice-token');
});

test('a two-part UCS-2 MO message with a UDH arriving out of order is one message in the stream', async () => {
  const udh = (seq: number) => Buffer.from([5, 0, 3, 42, 2, seq]);
  const part = (seq: number, text: string) => ({
    from: '15557654322',
    to: '15550000002',
    dataCoding: 8,
    esmClass: 0x40,
    data: Buffer.concat([udh(seq), encodeUcs2(text)]),
  });
  smsc.sendMo(part(2, 'мир 😀'));
  smsc.sendMo(part(1, 'привет '));
  const got = await arrival('bob', BOB_PW, '+15557654322', 'привет мир 😀');
  assert.equal(got.length, 1);
  assert.equal((await rowsWithBody('привет мир 😀')).length, 1);
  assert.equal((await rowsWithBody('мир 😀')).length, 0, 'no part stored on its own');
  await push.waitFor(() => push.pushes.some((p) => p['Id'] === got[0]!['sms_id']));
});

test('a two-part GSM MO message with sar TLVs is one message in the stream', async () => {
  const sar = (seq: number) => ({ sar_msg_ref_num: 0x1234, sar_total_segments: 2, sar_segment_seqnum: seq });
  smsc.sendMo({ from: '15557654323', to: '15550000001', data: encodeGsm7('first half, '), tlvs: sar(1) });
  smsc.sendMo({ from: '15557654323', to: '15550000001', data: encodeGsm7('second half'), tlvs: sar(2) });
  const got = await arrival('alice', ALICE_PW, '+15557654323', 'first half, second half');
  assert.equal(got.length, 1);
  assert.equal((await rowsWithBody('first half, second half')).length, 1);
});

test('two distinct MO messages with the same text from the same number are both stored, under distinct keys', async () => {
  smsc.sendMo({ from: '15557654324', to: '15550000001', data: encodeGsm7('ok') });
  smsc.sendMo({ from: '15557654324', to: '15550000001', data: encodeGsm7('ok') });
  const until = Date.now() + 5_000;
  let got: Item[] = [];
  while (got.length < 2 && Date.now() < until) {
    got = await arrival('alice', ALICE_PW, '+15557654324', 'ok');
    if (got.length < 2) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(got.length, 2, 'SMPP MO carries no message id: each deliver_sm gets its own key');
  const keys = (await rowsWithBody('ok')).map((r) => r.inbound_key);
  assert.equal(new Set(keys).size, 2);
});

test('an MO message for a number no account holds is stored nowhere, and the next one still arrives', async () => {
  smsc.sendMo({ from: '15557654325', to: '15559999999', data: encodeGsm7('wrong number') });
  // A message sent after it to a real account arrives, so the first one has been handled by then.
  smsc.sendMo({ from: '15557654325', to: '15550000001', data: encodeGsm7('right number') });
  assert.equal((await arrival('alice', ALICE_PW, '+15557654325', 'right number')).length, 1);
  assert.equal((await rowsWithBody('wrong number')).length, 0);
});
