import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CarrierAdapter, OutboundSms } from '../../src/app/ports.js';
import { TelnyxKeys } from '../../src/carriers/telnyx/config.js';
import { makeTelnyxCarrier } from '../../src/carriers/telnyx/send.js';
import { TwilioKeys } from '../../src/carriers/twilio/config.js';
import { makeTwilioCarrier } from '../../src/carriers/twilio/send.js';
import { VoipmsKeys } from '../../src/carriers/voipms/config.js';
import { makeVoipmsCarrier } from '../../src/carriers/voipms/send.js';
import { VonageKeys } from '../../src/carriers/vonage/config.js';
import { makeVonageCarrier } from '../../src/carriers/vonage/send.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { type FakeHttpCarrier, reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';

const msg: OutboundSms = { smsId: '7', from: '+15550001111', to: '+15552223333', body: 'Hi & 😀' };
const never = new AbortController().signal;
let fake: FakeHttpCarrier;
const adapters: CarrierAdapter[] = [];
function keep<T extends CarrierAdapter>(a: T): T {
  adapters.push(a);
  return a;
}

before(async () => {
  fake = await startFakeHttpCarrier();
});
after(async () => {
  for (const a of adapters) await a.close?.();
  await fake.close();
});

test('Twilio gets a Basic-auth form POST to the account Messages resource', async () => {
  const tw = keep(
    makeTwilioCarrier(withDefaults(TwilioKeys, { accountSid: 'AC123', authToken: 'tok', baseUrl: fake.url })),
  );
  fake.behave(() => reply.json(201, { sid: 'SM1', status: 'queued' }));
  assert.deepEqual(await tw.send(msg, never), { ok: true, carrierRefs: ['SM1'] });
  const r = fake.requests.at(-1)!;
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/2010-04-01/Accounts/AC123/Messages.json');
  assert.equal(r.headers['authorization'], `Basic ${Buffer.from('AC123:tok').toString('base64')}`);
  const form = new URLSearchParams(r.body);
  assert.deepEqual([form.get('To'), form.get('From'), form.get('Body')], [msg.to, msg.from, msg.body]);
});

test('Twilio error codes map to refusal kinds and 20429 is retryable', async () => {
  const tw = keep(
    makeTwilioCarrier(withDefaults(TwilioKeys, { accountSid: 'AC1', authToken: 't', baseUrl: fake.url })),
  );
  const cases: Array<[number, number, object]> = [
    [400, 21211, { retryable: false, kind: 'invalid_recipient' }],
    [400, 21610, { retryable: false, kind: 'blocked' }],
    [429, 20429, { retryable: true }],
  ];
  for (const [status, code, want] of cases) {
    fake.behave(() => reply.json(status, { code, message: `twilio says ${code}`, status }));
    const out = await tw.send(msg, never);
    assert.equal(out.ok, false);
    assert.deepEqual(
      { ...out, ok: undefined, reason: undefined },
      { ok: undefined, reason: undefined, ...want },
    );
    assert.equal(!out.ok && out.reason, `HTTP ${status}: twilio says ${code} (${code})`);
  }
});

test('Telnyx gets a Bearer JSON POST to /v2/messages and its id comes from data.id', async () => {
  const tx = keep(makeTelnyxCarrier(withDefaults(TelnyxKeys, { apiKey: 'KEY1', baseUrl: fake.url })));
  fake.behave(() => reply.json(200, { data: { id: 'tx-1' } }));
  assert.deepEqual(await tx.send(msg, never), { ok: true, carrierRefs: ['tx-1'] });
  const r = fake.requests.at(-1)!;
  assert.equal(r.url, '/v2/messages');
  assert.equal(r.headers['authorization'], 'Bearer KEY1');
  assert.deepEqual(JSON.parse(r.body), { from: msg.from, to: msg.to, text: msg.body });
});

test('Telnyx 40310 is an invalid recipient and 40300 is blocked, with title and detail', async () => {
  const tx = keep(makeTelnyxCarrier(withDefaults(TelnyxKeys, { apiKey: 'k', baseUrl: fake.url })));
  fake.behave(() =>
    reply.json(400, { errors: [{ code: '40310', title: "Invalid 'to' address", detail: 'bad' }] }),
  );
  assert.deepEqual(await tx.send(msg, never), {
    ok: false,
    retryable: false,
    kind: 'invalid_recipient',
    reason: "HTTP 400: Invalid 'to' address: bad (40310)",
  });
  fake.behave(() => reply.json(403, { errors: [{ code: '40300', title: 'Blocked due to STOP message' }] }));
  const out = await tx.send(msg, never);
  assert.equal(!out.ok && !out.retryable && out.kind, 'blocked');
});

test('Vonage gets api_key/api_secret and bare digits, and returns one id per part', async () => {
  const vo = keep(
    makeVonageCarrier(withDefaults(VonageKeys, { apiKey: 'k', apiSecret: 's', baseUrl: fake.url })),
  );
  fake.behave(() =>
    reply.json(200, {
      'message-count': '2',
      messages: [
        { status: '0', 'message-id': 'a' },
        { status: '0', 'message-id': 'b' },
      ],
    }),
  );
  assert.deepEqual(await vo.send(msg, never), { ok: true, carrierRefs: ['a', 'b'] });
  const form = new URLSearchParams(fake.requests.at(-1)!.body);
  assert.equal(fake.requests.at(-1)!.url, '/sms/json');
  assert.deepEqual(
    [form.get('api_key'), form.get('api_secret'), form.get('to'), form.get('from')],
    ['k', 's', '15552223333', '15550001111'],
  );
  assert.equal(form.get('text'), msg.body);
});

test('Vonage statuses inside a 200: 1 retries, 6 is no_route, 7 is blocked', async () => {
  const vo = keep(
    makeVonageCarrier(withDefaults(VonageKeys, { apiKey: 'k', apiSecret: 's', baseUrl: fake.url })),
  );
  const answer = (status: string, text: string) =>
    reply.json(200, { 'message-count': '1', messages: [{ status, 'error-text': text }] });
  fake.behave(() => answer('1', 'Throughput Rate Exceeded'));
  assert.deepEqual(await vo.send(msg, never), {
    ok: false,
    retryable: true,
    reason: 'Vonage status 1: Throughput Rate Exceeded',
  });
  fake.behave(() => answer('6', 'Unroutable message'));
  let out = await vo.send(msg, never);
  assert.equal(!out.ok && !out.retryable && out.kind, 'no_route');
  fake.behave(() => answer('7', 'Number barred'));
  out = await vo.send(msg, never);
  assert.equal(!out.ok && !out.retryable && out.kind, 'blocked');
});

test('VoIP.ms gets a GET with 10-digit numbers and reads the sms id', async () => {
  const vm = keep(
    makeVoipmsCarrier(
      withDefaults(VoipmsKeys, { apiUsername: 'me@x', apiPassword: 'pw', baseUrl: fake.url }),
    ),
  );
  fake.behave(() => reply.json(200, { status: 'success', sms: 23434 }));
  assert.deepEqual(await vm.send(msg, never), { ok: true, carrierRefs: ['23434'] });
  const r = fake.requests.at(-1)!;
  assert.equal(r.method, 'GET');
  const q = new URL(r.url, fake.url).searchParams;
  assert.deepEqual(
    [q.get('method'), q.get('did'), q.get('dst'), q.get('message'), q.get('api_password')],
    ['sendSMS', '5550001111', '5552223333', msg.body, 'pw'],
  );
});

test('VoIP.ms 200 with an error status is a failure, not a success', async () => {
  const vm = keep(
    makeVoipmsCarrier(withDefaults(VoipmsKeys, { apiUsername: 'u', apiPassword: 'p', baseUrl: fake.url })),
  );
  fake.behave(() => reply.json(200, { status: 'invalid_dst' }));
  assert.deepEqual(await vm.send(msg, never), {
    ok: false,
    retryable: false,
    kind: 'invalid_recipient',
    reason: 'VoIP.ms status invalid_dst',
  });
  fake.behave(() => reply.json(200, { status: 'sms_failed' }));
  assert.deepEqual(await vm.send(msg, never), {
    ok: false,
    retryable: true,
    reason: 'VoIP.ms status sms_failed',
  });
});

test('every vendor masks its own secrets in what its refusal says, even quoted in plain text', async () => {
  const quoting = () =>
    fake.behave((req) =>
      reply.text(401, `denied: ${req.headers['authorization'] ?? ''} ${req.url} ${req.body}`),
    );
  const cases: Array<[CarrierAdapter, string[]]> = [
    [
      makeTwilioCarrier(
        withDefaults(TwilioKeys, { accountSid: 'AC9', authToken: 'twilioTok3n', baseUrl: fake.url }),
      ),
      ['twilioTok3n', Buffer.from('AC9:twilioTok3n').toString('base64')],
    ],
    [
      makeTelnyxCarrier(withDefaults(TelnyxKeys, { apiKey: 'KEYtelnyx99', baseUrl: fake.url })),
      ['KEYtelnyx99'],
    ],
    [
      makeVonageCarrier(
        withDefaults(VonageKeys, { apiKey: 'vonKey77', apiSecret: 'vonS3cret', baseUrl: fake.url }),
      ),
      ['vonKey77', 'vonS3cret'],
    ],
    [
      makeVoipmsCarrier(
        withDefaults(VoipmsKeys, { apiUsername: 'u@x', apiPassword: 'voipPa55', baseUrl: fake.url }),
      ),
      ['voipPa55'],
    ],
  ];
  for (const [adapter, secrets] of cases) {
    keep(adapter);
    // The request quoted back, then the bare values with no word around them that looks like a key.
    for (const answer of [
      quoting,
      () => fake.behave(() => reply.text(400, `got ${secrets.join(' and ')}`)),
    ]) {
      answer();
      const out = await adapter.send(msg, never);
      assert.equal(out.ok, false);
      const said = JSON.stringify(out);
      for (const s of secrets) assert.ok(!said.includes(s), `${adapter.name}: ${said}`);
      assert.ok(!out.ok && out.reason.length <= 100, `${adapter.name}: ${out.ok ? '' : out.reason}`);
    }
  }
});
