/**
 * Event webhooks end to end: a real service, a fake HTTP carrier and a loopback receiver that checks
 * every signature with the independent `standardwebhooks` package (https://www.standardwebhooks.com/).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { adminCall, adminToken } from '../helpers/admin.js';
import {
  type FakeHttpCarrier,
  type RecordedRequest,
  reply,
  startFakeHttpCarrier,
} from '../helpers/fake-http-carrier.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PUBLIC = 'https://sms.example.com';
const TOKEN = 'twilio-token';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ALICE_PW = password('alice');
const CAROL_PW = password('carol');
const OUTSIDE = '+442071838750';
let svc: TestService;
let carrier: FakeHttpCarrier;
let receiver: FakeHttpCarrier;
/** An endpoint that answers 410 Gone to everything. */
let gone: FakeHttpCarrier;
/** While true the receiver answers 503, as a system that is down. */
let down = false;
/** Whether each request was answered 2xx, by arrival. */
const acks: boolean[] = [];

type Event = { type: string; timestamp: string; data: Record<string, unknown> };

before(async () => {
  carrier = await startFakeHttpCarrier({
    behaviour: (r, n) =>
      r.body.includes('refuse me')
        ? reply.text(400, 'no such subscriber api_key=k3y0123456789abcdef')
        : reply.ok(`fake-${n}`),
  });
  gone = await startFakeHttpCarrier({ behaviour: () => reply.text(410, 'gone') });
  receiver = await startFakeHttpCarrier({
    behaviour: () => {
      acks.push(!down);
      return down ? reply.text(503, 'down') : reply.text(204, '');
    },
  });
  svc = await startTestService({
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
    rates: { default: 0.5 },
    delivery: { pollMs: 20, waitMs: 2_000 },
    inbound: { publicUrl: PUBLIC, carriers: { twilio: { type: 'twilio', authToken: TOKEN } } },
    webhooks: [
      {
        name: 'crm',
        url: `${receiver.url}/hooks`,
        secret: SECRET,
        events: ['message.received', 'message.status', 'message.failed', 'account.low_credit'],
        timeoutMs: 2_000,
      },
      {
        name: 'legacy',
        url: `${gone.url}/old`,
        secret: SECRET,
        events: ['message.status'],
        includeText: true,
      },
    ],
    webhookDelivery: { baseMs: 20, maxMs: 100, lowCreditMicros: 1_000_000 },
  });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
  await svc.admin.add({
    username: 'carol',
    password: CAROL_PW,
    numbers: ['+15550000003'],
    region: 'US',
    credit: '2',
  });
});
after(async () => {
  await svc.close();
  await carrier.close();
  await receiver.close();
  await gone.close();
});

const verifier = new Webhook(SECRET);
/** The event a request carries, after the standardwebhooks package checked its signature. */
const verified = (r: RecordedRequest): Event =>
  verifier.verify(r.body, r.headers as Record<string, string>) as Event;
/** Every request the receiver acknowledged (2xx), verified, in arrival order. */
const accepted = (): Event[] => receiver.requests.filter((_r, i) => acks[i]).map(verified);

async function until(what: string, ok: () => boolean, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

const send = async (from: string, pw: string, body: string): Promise<string> =>
  String((await callOk(svc.url, '/send_message', { from, password: pw, to: OUTSIDE, body })).sms_id);

const twilio = (fields: Record<string, string>) =>
  fetch(`${svc.url}/inbound/twilio`, {
    method: 'POST',
    headers: {
      'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC}/inbound/twilio`, Object.entries(fields)),
    },
    body: new URLSearchParams(fields).toString(),
  });

const eventsOf = (smsId: string) => accepted().filter((e) => e.data['sms_id'] === smsId);

test('an off-net message posts message.status sent, then delivered, each signed as Standard Webhooks defines', async () => {
  const smsId = await send('alice', ALICE_PW, 'hello out there');
  await until('the sent event', () => eventsOf(smsId).length >= 1);
  const carrierId = `fake-${carrier.count() - 1}`;
  assert.equal(
    (await twilio({ MessageSid: carrierId, MessageStatus: 'delivered', To: OUTSIDE })).status,
    200,
  );
  await until('the delivered event', () => eventsOf(smsId).length >= 2);
  const events = eventsOf(smsId);
  assert.deepEqual(
    events.map((e) => [e.type, e.data['status']]),
    [
      ['message.status', 'sent'],
      ['message.status', 'delivered'],
    ],
  );
  const d = events[1]!.data;
  assert.deepEqual(
    [d['account'], d['from'], d['to'], d['carrier'], d['direction']],
    ['alice', '+15550000001', OUTSIDE, 'twilio', 'out'],
  );
  assert.equal(d['text'], undefined, 'the text is left out unless the endpoint asks for it');
  const headers = receiver.requests.find((r) => verified(r).data['sms_id'] === smsId)!.headers;
  assert.match(String(headers['webhook-id']), /^msg_/);
  assert.match(String(headers['webhook-signature']), /^v1,/);
});

test('a tampered body fails the standardwebhooks check', () => {
  const r = receiver.requests[0]!;
  assert.doesNotThrow(() => verified(r));
  const tampered = r.body.replace('"alice"', '"mallory"');
  assert.notEqual(tampered, r.body);
  assert.throws(() => verifier.verify(tampered, r.headers as Record<string, string>));
});

test('an inbound message from a carrier webhook posts message.received for its account', async () => {
  const fields = { MessageSid: 'SMin-hook', From: OUTSIDE, To: '+15550000001', Body: 'hi alice' };
  assert.equal((await twilio(fields)).status, 200);
  assert.equal((await twilio(fields)).status, 200, 'a carrier retry');
  await until('the received event', () => accepted().some((e) => e.type === 'message.received'));
  await new Promise((r) => setTimeout(r, 200));
  const got = accepted().filter((e) => e.type === 'message.received');
  assert.equal(got.length, 1, 'a carrier retry stores nothing and posts nothing');
  assert.deepEqual(
    [
      got[0]!.data['account'],
      got[0]!.data['from'],
      got[0]!.data['to'],
      got[0]!.data['carrier'],
      got[0]!.data['direction'],
    ],
    ['alice', OUTSIDE, '+15550000001', 'twilio', 'in'],
  );
});

test('a receiver down for a while gets every event once it is back, each message in order', async () => {
  down = true;
  const before = receiver.requests.length;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push(await send('alice', ALICE_PW, `while down ${i}`));
  await until('refused attempts', () => receiver.requests.length >= before + 6);
  for (let i = 0; i < ids.length; i++) {
    const ref = `fake-${carrier.count() - ids.length + i}`;
    assert.equal((await twilio({ MessageSid: ref, MessageStatus: 'delivered', To: OUTSIDE })).status, 200);
  }
  await new Promise((r) => setTimeout(r, 300));
  const whileDown = receiver.requests.slice(before).map(verified);
  for (const smsId of ids) {
    const seen = whileDown.filter((e) => e.data['sms_id'] === smsId).map((e) => e.data['status']);
    assert.ok(
      seen.length > 0 && seen.every((s) => s === 'sent'),
      `no later event of ${smsId} before its first: ${seen}`,
    );
  }
  down = false;
  await until('every event after the outage', () => ids.every((id) => eventsOf(id).length >= 2));
  for (const smsId of ids) {
    assert.deepEqual(
      eventsOf(smsId).map((e) => e.data['status']),
      ['sent', 'delivered'],
      `the events of ${smsId}, once each and in order`,
    );
  }
});

test("each delivery attempt of an event webhook is in the message's timeline, with the endpoint, status and attempt", async () => {
  const token = await adminToken(svc.config, 'timeline-reader', true);
  down = true;
  const before = receiver.requests.length;
  const smsId = await send('alice', ALICE_PW, 'watch my webhooks');
  await until('two refused attempts', () => receiver.requests.length >= before + 2);
  down = false;
  await until('the sent event', () => eventsOf(smsId).length >= 1);
  type Step = { kind: string; details: Record<string, unknown> };
  const hooks = async (): Promise<Step[]> => {
    const r = await adminCall(svc.url, token, 'GET', `/messages/${smsId}`);
    assert.equal(r.status, 200, r.text);
    return (r.body.timeline as Step[]).filter((e) => e.kind === 'webhook');
  };
  const end = Date.now() + 8_000;
  while (!(await hooks()).some((e) => e.details['outcome'] === 'delivered') && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const steps = (await hooks()).map((e) => e.details);
  const crm = steps.filter((d) => d['endpoint'] === 'crm');
  assert.ok(crm.length >= 3, JSON.stringify(steps));
  assert.deepEqual(
    crm.map((d) => [d['attempt'], d['outcome'], d['status']]),
    crm.map((_d, i) => (i < crm.length - 1 ? [i + 1, 'retry', 503] : [i + 1, 'delivered', 204])),
    'refused while the receiver was down, then delivered, numbered in order',
  );
  assert.equal(crm[0]!['event'], 'message.status');
  assert.equal(crm[0]!['reason'], 'answered 503');
  assert.deepEqual(
    steps.filter((d) => d['endpoint'] === 'legacy').map((d) => [d['attempt'], d['outcome'], d['status']]),
    [[1, 'gave_up', 410]],
    'the endpoint that answered 410 Gone, given up at once',
  );
});

test('account.low_credit is posted once per crossing of the threshold', async () => {
  const lows = () =>
    accepted().filter((e) => e.type === 'account.low_credit' && e.data['account'] === 'carol');
  // 2.0 → 1.5 → 1.0 → 0.5 (crosses) → 0.0
  for (let i = 0; i < 4; i++) await send('carol', CAROL_PW, `spend ${i}`);
  await until('the first low-credit event', () => lows().length >= 1);
  await svc.admin.credit('carol', undefined, '1.2');
  await send('carol', CAROL_PW, 'spend again'); // 1.2 → 0.7 (crosses again)
  await until('the second low-credit event', () => lows().length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    lows().map((e) => [
      e.data['previous_credit_micros'],
      e.data['credit_micros'],
      e.data['threshold_micros'],
    ]),
    [
      [1_000_000, 500_000, 1_000_000],
      [1_200_000, 700_000, 1_000_000],
    ],
  );
});

test('a refused message posts message.status failed, then message.failed with the reason masked', async () => {
  const res = await fetch(`${svc.url}/send_message`, {
    method: 'POST',
    body: JSON.stringify({ from: 'alice', password: ALICE_PW, to: OUTSIDE, body: 'refuse me' }),
  });
  assert.notEqual(res.status, 200, 'the refusal reaches the phone');
  await until('the failed events', () => accepted().some((e) => e.type === 'message.failed'));
  const smsId = String(accepted().find((e) => e.type === 'message.failed')!.data['sms_id']);
  const events = eventsOf(smsId);
  assert.deepEqual(
    events.map((e) => [e.type, e.data['status']]),
    [
      ['message.status', 'failed'],
      ['message.failed', 'failed'],
    ],
  );
  const reason = String(events[1]!.data['reason']);
  assert.match(reason, /no such subscriber/);
  assert.ok(!reason.includes('k3y0123456789abcdef'), `the credential is masked: ${reason}`);
});

test('an endpoint that answers 410 Gone gets each event once, unretried, and still gets the later ones', async () => {
  const smsId = await send('alice', ALICE_PW, 'for the legacy system');
  const ofIt = () => gone.requests.map(verified).filter((e) => e.data['sms_id'] === smsId);
  await until('the sent event at the 410 endpoint', () => ofIt().length >= 1);
  const ref = `fake-${carrier.count() - 1}`;
  assert.equal((await twilio({ MessageSid: ref, MessageStatus: 'delivered', To: OUTSIDE })).status, 200);
  await until('the delivered event at the 410 endpoint', () => ofIt().length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    ofIt().map((e) => [e.data['status'], e.data['text']]),
    [
      ['sent', 'for the legacy system'],
      ['delivered', 'for the legacy system'],
    ],
    'one attempt each, in order, with the text this endpoint asked for',
  );
});
