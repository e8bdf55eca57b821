import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, test } from 'node:test';
import { twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { vonageSignature } from '../../src/carriers/vonage/webhook.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PUBLIC = 'https://sms.example.com';
const ALICE_PW = password('alice');
const TWILIO_TOKEN = 'twilio-auth-token';
const VONAGE_SECRET = 'vonage-secret';
const GENERIC_SECRET = 'generic-secret';
const telnyxKeys = generateKeyPairSync('ed25519');
const telnyxPublic = Buffer.from(telnyxKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString(
  'base64',
);

let svc: TestService;
before(async () => {
  // Each carrier's webhook settings sit in its own carriers[] entry: /inbound/<name> is that carrier.
  svc = await startTestService({
    push: { enabled: false },
    inbound: { publicUrl: PUBLIC },
    carriers: [
      { name: 'twilio', type: 'twilio', accountSid: 'AC1', authToken: TWILIO_TOKEN },
      { name: 'telnyx', type: 'telnyx', apiKey: 'k', publicKey: telnyxPublic },
      {
        name: 'vonage',
        type: 'vonage',
        apiKey: 'k',
        apiSecret: 's',
        signatureSecret: VONAGE_SECRET,
        signatureMethod: 'sha256',
      },
      {
        name: 'acme',
        type: 'http',
        method: 'POST',
        url: 'https://acme.example/send',
        webhook: {
          auth: { kind: 'header', header: 'X-Acme-Secret', secret: GENERIC_SECRET },
          inbound: { from: 'data.from', to: 'data.to', body: 'data.text', id: 'data.id' },
        },
      },
    ],
  });
  await svc.admin.add({
    username: 'alice',
    password: ALICE_PW,
    numbers: ['+15550000001'],
    region: 'US',
  });
});
after(() => svc.close());

const stored = async () =>
  (
    await svc.db.kysely
      .selectFrom('messages')
      .select(['from_addr', 'to_addr', 'body', 'content_type'])
      .orderBy('id')
      .execute()
  ).map((r) => ({ ...r }));
const count = async () => (await stored()).length;

async function twilioPost(fields: Record<string, string>, signature?: string) {
  const path = '/inbound/twilio';
  const sig = signature ?? twilioSignature(TWILIO_TOKEN, PUBLIC + path, Object.entries(fields));
  return fetch(svc.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: new URLSearchParams(fields).toString(),
  });
}

test('a signed Twilio message posted twice is stored once and alice fetches it', async () => {
  const fields = {
    MessageSid: 'SM100',
    From: '+442071838750',
    To: '+15550000001',
    Body: 'hello from outside',
  };
  const first = await twilioPost(fields);
  assert.equal(first.status, 200);
  assert.match(first.headers.get('content-type')!, /xml/);
  assert.equal((await twilioPost(fields)).status, 200, "the carrier's retry is acknowledged too");
  assert.equal(await count(), 1);
  const res = await fetch(
    `${svc.url}/fetch_messages?${new URLSearchParams({ username: 'alice', password: ALICE_PW })}`,
  );
  const json = (await res.json()) as { received_smss: Array<Record<string, unknown>> };
  assert.deepEqual(
    json.received_smss.map((m) => [m['sender'], m['sms_text'], m['stream_id']]),
    [['+442071838750', 'hello from outside', '+442071838750']],
  );
});

test('Twilio calls with a bad or missing signature are refused with 403 and store nothing', async () => {
  const before = await count();
  const fields = { MessageSid: 'SM101', From: '+442071838750', To: '+15550000001', Body: 'forged' };
  assert.equal((await twilioPost(fields, 'AAAA')).status, 403);
  const unsigned = await fetch(`${svc.url}/inbound/twilio`, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
  });
  assert.equal(unsigned.status, 403);
  assert.equal(await count(), before);
});

test('a Twilio MMS becomes an Acrobits file transfer', async () => {
  const fields = {
    MessageSid: 'SM102',
    From: '+442071838750',
    To: '+15550000001',
    Body: 'look',
    NumMedia: '1',
    MediaUrl0: 'https://media.example/1.jpg',
  };
  assert.equal((await twilioPost(fields)).status, 200);
  const last = (await stored()).at(-1)!;
  assert.equal(last.content_type, 'application/x-acro-filetransfer+json');
  assert.deepEqual(JSON.parse(last.body), {
    body: 'look',
    attachments: [{ 'content-url': 'https://media.example/1.jpg' }],
  });
});

function telnyxPost(body: string, opts: { badSig?: boolean } = {}) {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = sign(
    null,
    Buffer.from(`${ts}|${opts.badSig ? `${body} ` : body}`),
    telnyxKeys.privateKey,
  ).toString('base64');
  return fetch(`${svc.url}/inbound/telnyx`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'telnyx-signature-ed25519': sig, 'telnyx-timestamp': ts },
    body,
  });
}
const telnyxEvent = (id: string) =>
  JSON.stringify({
    data: {
      event_type: 'message.received',
      payload: {
        id,
        from: { phone_number: '+13125550001' },
        to: [{ phone_number: '+15550000001' }],
        text: 'telnyx hi',
      },
    },
  });

test('Telnyx: a signed event is stored once; a bad Ed25519 signature is 403', async () => {
  const before = await count();
  assert.equal((await telnyxPost(telnyxEvent('tx-1'), { badSig: true })).status, 403);
  assert.equal(await count(), before);
  assert.equal((await telnyxPost(telnyxEvent('tx-1'))).status, 200);
  assert.equal((await telnyxPost(telnyxEvent('tx-1'))).status, 200);
  assert.equal(await count(), before + 1);
});

test('Vonage: a signed GET callback is stored; a wrong sig is 403', async () => {
  const before = await count();
  const fields: Record<string, string> = {
    msisdn: '447700900001',
    to: '15550000001',
    messageId: 'vn-1',
    text: 'vonage hi',
    type: 'text',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const good = { ...fields, sig: vonageSignature(fields, VONAGE_SECRET, 'sha256') };
  assert.equal(
    (await fetch(`${svc.url}/inbound/vonage?${new URLSearchParams({ ...good, sig: 'deadbeef' })}`)).status,
    403,
  );
  assert.equal((await fetch(`${svc.url}/inbound/vonage?${new URLSearchParams(good)}`)).status, 200);
  assert.equal(await count(), before + 1);
  assert.deepEqual((await stored()).at(-1), {
    from_addr: '+447700900001',
    to_addr: '+15550000001',
    body: 'vonage hi',
    content_type: 'text/plain',
  });
});

test('generic carrier: the shared secret header is checked and fields are mapped', async () => {
  const before = await count();
  const body = JSON.stringify({
    data: { from: '+13125550002', to: '+15550000001', text: 'generic hi', id: 'g-1' },
  });
  const post = (secret?: string) =>
    fetch(`${svc.url}/inbound/acme`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-acme-secret': secret } : {}) },
      body,
    });
  assert.equal((await post()).status, 403);
  assert.equal((await post('wrong')).status, 403);
  assert.equal((await post(GENERIC_SECRET)).status, 200);
  assert.equal(await count(), before + 1);
});

test('a message for a number no account holds is refused with 404 and stores nothing; unknown carriers are 404', async () => {
  const before = await count();
  const res = await twilioPost({
    MessageSid: 'SM103',
    From: '+442071838750',
    To: '+15559999999',
    Body: 'who?',
  });
  assert.equal(res.status, 404);
  assert.equal(await count(), before);
  assert.equal((await fetch(`${svc.url}/inbound/nobody`, { method: 'POST', body: 'x=1' })).status, 404);
});

test('a webhook field with NUL or an unpaired surrogate is refused with 400 and a reason, on every carrier kind', async () => {
  const before = await count();
  const acme = (data: Record<string, string>) =>
    fetch(`${svc.url}/inbound/acme`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-secret': GENERIC_SECRET },
      // JSON.stringify writes a lone surrogate as a \ud800 escape, as a hostile sender would.
      body: JSON.stringify({ data: { from: '+13125550002', to: '+15550000001', id: 'g-bad', ...data } }),
    });
  const answers = [
    await acme({ text: 'nul \u0000 here' }),
    await acme({ text: 'half \ud800 a pair' }),
    await acme({ text: 'fine', from: '+1312555\u00000002' }),
    await twilioPost({ MessageSid: 'SM104', From: '+442071838750', To: '+15550000001', Body: 'a\u0000b' }),
  ];
  for (const res of answers) {
    assert.equal(res.status, 400);
    assert.match(await res.text(), /not allowed \(NUL or an unpaired surrogate\)/);
  }
  assert.equal(await count(), before, 'nothing stored');
});
