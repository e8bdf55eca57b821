/**
 * The timeline of a message over real parts: Send Message over loopback HTTP, the fake SMSC over a real
 * bind, the fake push service, Fetch Messages, `messages retry`, and `messages show` as a child
 * process, on the engine the run selects (SQLite, or PostgreSQL with TEXTBRIDGE_TEST_PG=1).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Timeline } from '../../src/app/timeline.js';
import type { EventDetails } from '../../src/domain/timeline.js';
import { type Admin, openAdmin } from '../../src/main/index.js';
import { runTextbridge } from '../helpers/child.js';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { callOk, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const ALICE_PW = password('alice');
const BOB_PW = password('bob');
const REFUSED = '+420601999999';
let svc: TestService;
let smsc: FakeSmsc;
let push: FakePush;
let admin: Admin;

before(async () => {
  smsc = await startFakeSmsc();
  // An SMSC that knows no such number: ESME_RINVDSTADR, a refusal for good.
  smsc.setResponder((s) => (s.destAddr === REFUSED.slice(1) ? { status: 0x0b } : undefined));
  push = await startFakePush();
  svc = await startTestService({
    carriers: [smsc.carrier()],
    routes: [{ carrier: 'smsc' }],
    rates: { default: 0.05 },
    delivery: { pollMs: 20 },
    push: { url: push.url, retryDelaysMs: [50], maxAttempts: 3 },
  });
  await svc.admin.add({
    username: 'alice',
    password: ALICE_PW,
    numbers: ['+15550000001'],
    region: 'US',
    credit: '1',
  });
  await svc.admin.add({ username: 'bob', password: BOB_PW, numbers: ['+15550000002'], region: 'US' });
  for (const [username, pw] of [
    ['alice', ALICE_PW],
    ['bob', BOB_PW],
  ] as const) {
    await callOk(svc.url, '/push_token', {
      username,
      password: pw,
      selector: `${username}-selector-0001`,
      pushToken: `${username}-token-abcdef`,
      pushappid: 'app',
    });
  }
  await smsc.waitFor(() => smsc.binds >= 1);
  admin = await openAdmin(svc.config);
});
after(async () => {
  await admin.close();
  await svc.close();
  await smsc.close();
  await push.close();
});

/** The timeline of `smsId` once `done` holds for it (pushes are written after the push answered). */
async function timelineWhen(smsId: number, done: (t: Timeline) => boolean): Promise<Timeline> {
  const until = Date.now() + 10_000;
  for (;;) {
    const t = await admin.messageTimeline(smsId);
    assert.ok(t, `message ${smsId} exists`);
    if (done(t) || Date.now() > until) return t;
    await new Promise((r) => setTimeout(r, 25));
  }
}
const kinds = (t: Timeline) => t.events.map((e) => e.kind);
const has = (kind: string) => (t: Timeline) => t.events.some((e) => e.kind === kind);
const details = <K extends keyof EventDetails>(t: Timeline, kind: K) =>
  t.events.filter((e) => e.kind === kind).map((e) => e.details as EventDetails[K]);

test('an off-net SMPP message shows accepted, the sent attempt with its id, the receipt and the push', async () => {
  const { sms_id } = await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+442071838750',
    body: 'where is my text?',
    disposition_notification: 'app-1:positive-delivery',
  });
  const smsId = Number(sms_id);
  await smsc.waitFor(() => smsc.submits.some((s) => s.messageId !== ''));
  const ref = smsc.submits.find((s) => s.messageId !== '')!.messageId;
  smsc.sendReceipt(ref, 'DELIVRD');
  const t = await timelineWhen(smsId, has('push'));

  // One carrier on the route: no `routed` event, the attempt names it.
  assert.deepEqual(kinds(t), ['accepted', 'attempt', 'receipt', 'disposition', 'push']);
  const [accepted] = details(t, 'accepted');
  assert.equal(accepted!.onNet, false);
  assert.equal(accepted!.priceMicros, 50_000);
  assert.match(String(accepted!.requestId), /\S/, 'the request id of the send');
  const [attempt] = details(t, 'attempt');
  assert.equal(attempt!.outcome, 'sent');
  assert.equal(attempt!.carrier, 'smsc');
  assert.deepEqual(attempt!.refs, [ref]);
  assert.ok(attempt!.latencyMs >= 0);
  assert.deepEqual(details(t, 'receipt'), [{ carrier: 'smsc', status: 'delivered', part: 1, ref }]);
  const [notice] = details(t, 'disposition');
  const [pushed] = details(t, 'push');
  assert.equal(pushed!.notice, notice!.notice, "the push of the delivery notice to the sender's device");
  assert.equal(pushed!.status, 'ok');
  assert.equal(pushed!.token, '…cdef', 'the token masked to its last characters');
  const times = t.events.map((e) => e.at);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'in time order',
  );
});

test('a refused first attempt shows the refusal, the refund and the bounce; messages retry adds its event', async () => {
  const res = await sendJson(svc.url, { from: 'alice', password: ALICE_PW, to: REFUSED, body: 'hello?' });
  assert.notEqual(res.status, 200, 'the phone is told of the refusal');
  const row = await svc.db.kysely
    .selectFrom('messages')
    .select('id')
    .where('to_addr', '=', REFUSED)
    .executeTakeFirstOrThrow();
  const smsId = Number(row.id);
  // The bounce notice is pushed to alice's device too: that push may come at any time after it.
  const steps = (x: Timeline) => kinds(x).filter((k) => k !== 'push');
  let t = await timelineWhen(smsId, has('bounce'));
  assert.deepEqual(steps(t), ['accepted', 'attempt', 'refund', 'bounce']);
  const [attempt] = details(t, 'attempt');
  assert.equal(attempt!.outcome, 'refused');
  assert.match(attempt!.reason ?? '', /ESME_RINVDSTADR/);
  assert.deepEqual(details(t, 'refund'), [{ micros: 50_000 }]);
  assert.equal(t.message.chargeMicros, 0, 'refunded');
  assert.equal(details(t, 'accepted')[0]!.priceMicros, 50_000, 'the price it was accepted at');

  assert.equal(await admin.retryMessage(smsId), 'queued');
  t = await timelineWhen(smsId, (x) => details(x, 'attempt').length === 2);
  assert.deepEqual(details(t, 'retry'), [{ by: 'operator' }]);
  assert.deepEqual(
    steps(t).slice(0, 6),
    ['accepted', 'attempt', 'refund', 'bounce', 'retry', 'attempt'],
    'after the first refusal, before the second attempt',
  );
  assert.equal(details(t, 'accepted').length, 1, 'one accepted event');
  assert.equal(details(t, 'accepted')[0]!.priceMicros, 50_000);
});

test('an on-net message shows accepted, the push to the device and its first fetch only once', async () => {
  const { sms_id } = await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'on the same server',
  });
  const smsId = Number(sms_id);
  await timelineWhen(smsId, has('push'));
  for (let i = 0; i < 2; i++) {
    await callOk(svc.url, '/fetch_messages', { username: 'bob', password: BOB_PW, device: 'bobs-phone' });
  }
  const t = await timelineWhen(smsId, has('fetched'));
  assert.deepEqual(kinds(t), ['accepted', 'push', 'fetched', 'displayed']);
  assert.equal(details(t, 'accepted')[0]!.onNet, true);
  assert.equal(details(t, 'push')[0]!.device, '…r-0001', 'the selector masked');
  assert.deepEqual(details(t, 'fetched'), [{ device: 'bobs-phone' }]);
  await callOk(svc.url, '/fetch_messages', { username: 'bob', password: BOB_PW, device: 'bobs-tablet' });
  const again = await admin.messageTimeline(smsId);
  assert.deepEqual(details(again!, 'fetched'), [{ device: 'bobs-phone' }, { device: 'bobs-tablet' }]);
  assert.equal(details(again!, 'displayed').length, 1, 'displayed once, at the first fetch');
});

test('an on-net message whose sender asked for positive-delivery records the notice it earned', async () => {
  const { sms_id } = await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'tell me when it lands',
    disposition_notification: 'app-2:positive-delivery',
  });
  const t = await timelineWhen(Number(sms_id), has('disposition'));
  // The notice is written just after the accept; the push job of the message to bob's device may
  // record its push in between, so only the first event's place is fixed.
  assert.equal(kinds(t)[0], 'accepted');
  assert.ok(kinds(t).includes('disposition'), kinds(t).join(','));
  const [notice] = details(t, 'disposition');
  assert.equal(notice!.status, 'delivered');
  const stored = await admin.messageTimeline(notice!.notice);
  assert.equal(stored?.message.contentType, 'application/x-acro-disposition-notification');
});

test('messages show prints the timeline, parses as JSON with --json, and exits 1 for an unknown id', async () => {
  const { sms_id } = await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+15550000002',
    body: 'show me',
  });
  const env = { DATABASE_URL: svc.config.databaseUrl ?? '' };
  const dir = ['--data-dir', svc.config.dataDir];
  const json = await runTextbridge(env, 'messages', 'show', String(sms_id), '--json', ...dir);
  assert.equal(json.code, 0, json.stderr);
  const shown = JSON.parse(json.stdout) as { message: { sms_id: string }; events: Array<{ kind: string }> };
  assert.equal(shown.message.sms_id, sms_id);
  assert.equal(shown.events[0]!.kind, 'accepted');
  const text = await runTextbridge(env, 'messages', 'show', String(sms_id), ...dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ {2}\d{4}-\d\d-\d\dT\S+Z {2}accepted +requestId=\S+ onNet=true priceMicros=/m);
  const missing = await runTextbridge(env, 'messages', 'show', '987654321', ...dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no message 987654321/);
});
