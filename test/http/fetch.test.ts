import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertMessage } from '../../src/store/sql/messages.js';
import { textMessage } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
let aliceId = 0;
let bobId = 0;
const PW = password('fetch');

before(async () => {
  svc = await startTestService({ limits: { fetchPageSize: 100 }, push: { enabled: false } });
  await svc.admin.add({ username: 'alice', password: PW, numbers: ['+15550000001'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: PW, numbers: ['+15550000002'], region: 'US' });
  await svc.admin.add({ username: 'carol', password: PW, numbers: ['+15550000003'], region: 'US' });
  const ids = await svc.db.kysely.selectFrom('accounts').select(['id', 'username']).execute();
  aliceId = Number(ids.find((r) => r.username === 'alice')!.id);
  bobId = Number(ids.find((r) => r.username === 'bob')!.id);
});
after(() => svc.close());

type Item = Record<string, string | boolean> & { sms_id: string; sms_text: string; sending_date: string };
interface Answer {
  sms_id: string;
  message?: string;
  received_smss: Item[];
  sent_smss: Item[];
}
async function call(path: string, body: object, method = 'POST') {
  const res = await fetch(svc.url + path, { method, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), json: (await res.json()) as Answer };
}
const fetchAs = (username: string, extra: Record<string, string> = {}) =>
  call('/fetch_messages', { username, password: PW, ...extra });

test('a new account fetches the date and two empty arrays, by GET, POST, PUT and with a trailing slash', async () => {
  const q = new URLSearchParams({ username: 'carol', password: PW, last_id: '', last_sent_id: '' });
  for (const [method, url, body] of [
    ['GET', `/fetch_messages?${q}`, undefined],
    ['GET', `/fetch_messages/?${q}`, undefined],
    ['POST', '/fetch_messages', q.toString()],
    ['PUT', '/fetch_messages', JSON.stringify({ username: 'carol', password: PW })],
  ] as const) {
    const res = await fetch(svc.url + url, { method, ...(body ? { body } : {}) });
    assert.equal(res.status, 200, `${method} ${url}`);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const json = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).sort(), ['date', 'received_smss', 'sent_smss']);
    assert.match(String(json['date']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual([json['received_smss'], json['sent_smss']], [[], []]);
  }
});

test('fetch authenticates like send: wrong or missing password is 401 with a message', async () => {
  const bad = await call('/fetch_messages', { username: 'carol', password: password('wrong') });
  assert.equal(bad.status, 401);
  assert.equal(typeof bad.json.message, 'string');
  assert.equal((await call('/fetch_messages', { username: 'carol' })).status, 401);
});

test("the sms_id Send returns is the sent_smss id, and the recipient's first fetch is the only one seeing it undisplayed", async () => {
  const sent = await call('/send_message', {
    from: 'alice',
    password: PW,
    to: '+1 555 000 0002',
    body: 'hi 👋',
    disposition_notification: 'abc.123:positive-delivery, display',
  });
  assert.equal(sent.status, 200);
  const smsId = sent.json.sms_id as string;

  const a = await fetchAs('alice', { last_sent_id: String(Number(smsId) - 1) });
  assert.deepEqual(a.json.sent_smss, [
    {
      sms_id: smsId,
      sending_date: a.json.sent_smss[0]!.sending_date,
      recipient: '+15550000002',
      sms_text: 'hi 👋',
      content_type: 'text/plain',
      stream_id: '+15550000002',
      disposition_notification: 'abc.123:positive-delivery, display',
    },
  ]);
  assert.match(a.json.sent_smss[0]!.sending_date, /Z$/);

  const b1 = await fetchAs('bob', { last_known_sms_id: String(Number(smsId) - 1), installid: 'phone' });
  assert.equal(b1.json.received_smss.length, 1);
  const item = b1.json.received_smss[0]!;
  assert.equal(item.sms_id, smsId);
  assert.equal(item['sender'], '+15550000001');
  assert.equal(item['stream_id'], '+15550000001');
  assert.equal(item['displayed'], false);
  assert.equal(item['disposition_notification'], 'abc.123:positive-delivery, display');
  const b2 = await fetchAs('bob', { last_id: String(Number(smsId) - 1), device: 'tablet' });
  assert.equal(b2.json.received_smss[0]!['displayed'], true, 'fetched once by any device = displayed');
  const caughtUp = await fetchAs('bob', { last_id: smsId });
  assert.deepEqual(caughtUp.json.received_smss, []);
});

test('a thousand stored messages come back across pages, in order, with no gaps and no duplicates', async () => {
  // Alice's device has fetched everything earlier tests left her: unread messages below a cursor are
  // returned again (late commits, app/fetch-messages.ts), which this test is not about.
  await svc.db.kysely
    .updateTable('messages')
    .set({ displayed: 1 })
    .where('recipient_account_id', '=', aliceId)
    .execute();
  const now = Date.now();
  const ids: number[] = [];
  await svc.db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < 1000; i++) {
      const id = await insertMessage(
        trx,
        textMessage({
          senderAccountId: bobId,
          recipientAccountId: aliceId,
          from: '+15550000002',
          to: '+15550000001',
          body: `n${i}`,
          status: 'delivered',
        }),
        now + i,
      );
      ids.push(id);
    }
  });
  const seen: string[] = [];
  let last = String(ids[0]! - 1);
  for (let pages = 0; pages < 20; pages++) {
    const r = await fetchAs('alice', { last_id: last });
    const got = r.json.received_smss as Array<{ sms_id: string; sms_text: string }>;
    assert.ok(got.length <= 100, 'page size is bounded');
    if (got.length === 0) break;
    seen.push(...got.map((m) => m.sms_text));
    last = got[got.length - 1]!.sms_id;
  }
  assert.deepEqual(
    seen,
    ids.map((_, i) => `n${i}`),
  );
  // Bob sent them all: the same thousand page through his sent_smss.
  const b = await fetchAs('bob', { last_sent_id: String(ids[0]! - 1) });
  assert.equal(b.json.sent_smss.length, 100);
  assert.equal(b.json.sent_smss[0]!.sms_text, 'n0');
});

test('an empty, unparseable or foreign id answers the newest window, oldest first', async () => {
  for (const last of ['', 'abc', '%last_known_sms_id%', '99999999999']) {
    const r = await fetchAs('alice', { last_known_sms_id: last });
    assert.equal(r.status, 200);
    const texts = (r.json.received_smss as Array<{ sms_text: string }>).map((m) => m.sms_text);
    assert.equal(texts.length, 100, `last_id=${JSON.stringify(last)}`);
    assert.equal(texts[0], 'n900');
    assert.equal(texts[99], 'n999');
  }
});

test('an on-net peer is one conversation whichever address the sender typed: username, SIP, user@host or a number', async () => {
  await svc.admin.add({
    username: 'dave',
    password: PW,
    numbers: ['+15550000004', '+15550000005'],
    region: 'US',
  });
  await svc.admin.add({ username: 'erin', password: PW, numbers: [], region: 'US' });
  const typed = ['dave', 'sip:dave@example.com', 'dave@example.com', '+15550000005', '(555) 000-0004'];
  const ids: string[] = [];
  for (const to of [...typed, 'erin', 'sip:erin@example.com']) {
    const sent = await call('/send_message', { from: 'carol', password: PW, to, body: `to ${to}` });
    assert.equal(sent.status, 200, to);
    ids.push(sent.json.sms_id);
  }
  const reply = await call('/send_message', { from: 'dave', password: PW, to: 'carol', body: 'back' });
  assert.equal(reply.status, 200);
  const carol = await fetchAs('carol', { last_sent_id: String(Number(ids[0]) - 1) });
  const streams = carol.json.sent_smss.map((m) => [m['sms_text'], m['recipient'], m['stream_id']]);
  assert.deepEqual(streams, [
    ...typed.map((to) => [`to ${to}`, '+15550000004', '+15550000004']),
    ['to erin', 'erin', 'erin'],
    ['to sip:erin@example.com', 'erin', 'erin'],
  ]);
  const back = carol.json.received_smss.find((m) => m.sms_text === 'back');
  assert.equal(back?.['stream_id'], '+15550000004', "dave's reply lands in the same conversation");
  const raw = await svc.db.kysely
    .selectFrom('messages')
    .select('to_raw')
    .where('id', '=', Number(ids[1]))
    .execute();
  assert.equal(raw[0]?.to_raw, 'sip:dave@example.com', 'what was typed is kept for the operator');
});
