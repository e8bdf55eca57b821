import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { makeGenericWebhook } from '../../src/carriers/http/generic-webhook.js';
import type { WebhookRequest } from '../../src/carriers/http/webhook.js';
import { makeTelnyxWebhook } from '../../src/carriers/telnyx/webhook.js';
import { makeTwilioWebhook, twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { makeVonageWebhook, vonageSignature } from '../../src/carriers/vonage/webhook.js';

function post(url: string, body: string, headers: Record<string, string> = {}): WebhookRequest {
  return { method: 'POST', url, headers, rawBody: Buffer.from(body) };
}

// --- Twilio ---------------------------------------------------------------------------------------

test("Twilio's documented example signature is reproduced", () => {
  // TwilioDevEd/api-snippets security/signature_validation (2.x and 3.x samples): token 12345.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = (caller: string): Array<[string, string]> => [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', caller],
    ['Digits', '1234'],
    ['From', caller],
    ['To', '+18005551212'],
  ];
  assert.equal(twilioSignature('12345', url, params('+14158675309')), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  assert.equal(twilioSignature('12345', url, params('+14158675310')), 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
});

const twUrl = 'https://sms.example.com/webhooks/twilio?acct=1';
const twilio = makeTwilioWebhook({ authToken: 'tok' });
function twilioPost(fields: Record<string, string>, token = 'tok'): WebhookRequest {
  const body = new URLSearchParams(fields).toString();
  const sig = twilioSignature(token, twUrl, Object.entries(fields));
  return post(twUrl, body, { 'x-twilio-signature': sig });
}

test('a signed Twilio inbound SMS becomes an InboundSms with its media and their content types', () => {
  const out = twilio(
    twilioPost({
      MessageSid: 'SM1',
      From: '+15551',
      To: '+15552',
      Body: 'hé & = +',
      NumMedia: '2',
      MediaUrl0: 'https://m/1',
      MediaContentType0: 'video/mp4',
      MediaUrl1: 'https://m/2',
    }),
  );
  assert.deepEqual(out, {
    ok: true,
    kind: 'inbound',
    sms: { carrier: 'twilio', carrierRef: 'SM1', from: '+15551', to: '+15552', body: 'hé & = +' },
    media: [{ url: 'https://m/1', contentType: 'video/mp4' }, { url: 'https://m/2' }],
  });
});

test('Twilio status callbacks become receipts and non-final statuses are ignored', () => {
  assert.deepEqual(
    twilio(twilioPost({ MessageSid: 'SM2', MessageStatus: 'undelivered', ErrorCode: '30003' })),
    {
      ok: true,
      kind: 'receipt',
      receipt: { carrier: 'twilio', carrierRef: 'SM2', status: 'failed', error: 'Twilio error 30003' },
    },
  );
  const d = twilio(twilioPost({ MessageSid: 'SM2', MessageStatus: 'delivered' }));
  assert.equal(d.ok && d.kind === 'receipt' && d.receipt.status, 'delivered');
  assert.equal(twilio(twilioPost({ MessageSid: 'SM2', MessageStatus: 'sent' })).ok && true, true);
});

test('a Twilio call with a wrong, missing or tampered signature is refused', () => {
  assert.deepEqual(twilio(twilioPost({ MessageSid: 'SM1', From: '+1', To: '+2', Body: 'x' }, 'other')), {
    ok: false,
    reason: 'bad X-Twilio-Signature',
  });
  const good = twilioPost({ MessageSid: 'SM1', From: '+1', To: '+2', Body: 'x' });
  assert.equal(twilio({ ...good, headers: {} }).ok, false);
  assert.equal(
    twilio({ ...good, rawBody: Buffer.from('MessageSid=SM1&From=%2B1&To=%2B2&Body=y') }).ok,
    false,
  );
  assert.equal(twilio({ ...good, url: 'https://sms.example.com/webhooks/twilio' }).ok, false);
});

// --- Telnyx ---------------------------------------------------------------------------------------

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const rawPub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
const NOW = 1_700_000_000_000;
const telnyx = makeTelnyxWebhook({ publicKey: rawPub, now: () => NOW });
function telnyxPost(event: object, ts = NOW / 1000, key = privateKey): WebhookRequest {
  const body = JSON.stringify({ data: event });
  const sig = sign(null, Buffer.from(`${ts}|${body}`), key).toString('base64');
  return post('https://x/telnyx', body, { 'telnyx-signature-ed25519': sig, 'telnyx-timestamp': String(ts) });
}

test('a signed Telnyx message.received becomes an InboundSms', () => {
  const out = telnyx(
    telnyxPost({
      event_type: 'message.received',
      payload: {
        id: 'tx-9',
        from: { phone_number: '+1555' },
        to: [{ phone_number: '+1666' }],
        text: 'yo 😀',
        media: [{ url: 'https://t/1', content_type: 'image/gif' }, { url: 'https://t/2' }],
      },
    }),
  );
  assert.deepEqual(out, {
    ok: true,
    kind: 'inbound',
    sms: { carrier: 'telnyx', carrierRef: 'tx-9', from: '+1555', to: '+1666', body: 'yo 😀' },
    media: [{ url: 'https://t/1', contentType: 'image/gif' }, { url: 'https://t/2' }],
  });
});

test('Telnyx message.finalized becomes a receipt with the error title and code', () => {
  const out = telnyx(
    telnyxPost({
      event_type: 'message.finalized',
      payload: {
        id: 'tx-1',
        to: [{ status: 'delivery_failed' }],
        errors: [{ code: '40001', title: 'Not routable' }],
      },
    }),
  );
  assert.deepEqual(out, {
    ok: true,
    kind: 'receipt',
    receipt: { carrier: 'telnyx', carrierRef: 'tx-1', status: 'failed', error: 'Not routable (40001)' },
  });
  const sent = telnyx(
    telnyxPost({ event_type: 'message.sent', payload: { id: 'tx-1', to: [{ status: 'sent' }] } }),
  );
  assert.equal(sent.ok && sent.kind, 'ignored');
});

test('a Telnyx call signed by another key, stale, or unsigned is refused', () => {
  const ev = { event_type: 'message.sent', payload: { id: 'a', to: [{ status: 'sent' }] } };
  const other = generateKeyPairSync('ed25519').privateKey;
  assert.deepEqual(telnyx(telnyxPost(ev, NOW / 1000, other)), {
    ok: false,
    reason: 'bad telnyx-signature-ed25519',
  });
  assert.deepEqual(telnyx(telnyxPost(ev, NOW / 1000 - 301)), {
    ok: false,
    reason: 'telnyx-timestamp outside tolerance',
  });
  assert.equal(telnyx({ ...telnyxPost(ev), headers: {} }).ok, false);
  const good = telnyxPost(ev);
  assert.equal(telnyx({ ...good, rawBody: Buffer.from(`${good.rawBody.toString()} `) }).ok, false);
});

// --- Vonage ---------------------------------------------------------------------------------------

function vonageGet(fields: Record<string, string>): WebhookRequest {
  return {
    method: 'GET',
    url: `https://x/vonage?${new URLSearchParams(fields)}`,
    headers: {},
    rawBody: Buffer.alloc(0),
  };
}

test('Vonage md5hash signing is MD5 of the sorted &k=v string followed by the secret', () => {
  const f = { b: 'x&y', a: '1=2', sig: 'ignored' };
  const want = createHash('md5').update('&a=1_2&b=x_ysecret').digest('hex');
  assert.equal(vonageSignature(f, 'secret', 'md5hash'), want);
  const hmac = createHmac('sha256', 'secret').update('&a=1_2&b=x_y').digest('hex');
  assert.equal(vonageSignature(f, 'secret', 'sha256'), hmac);
});

test('a signed Vonage inbound SMS is accepted and a bad or missing sig is refused', () => {
  const now = 1_700_000_000_000;
  const hook = makeVonageWebhook({ signatureSecret: 's3', signatureMethod: 'sha256', now: () => now });
  const f: Record<string, string> = {
    msisdn: '447700900001',
    to: '447700900000',
    text: 'hi',
    messageId: 'V1',
  };
  f['timestamp'] = String(now / 1000);
  f['sig'] = vonageSignature(f, 's3', 'sha256').toUpperCase();
  assert.deepEqual(hook(vonageGet(f)), {
    ok: true,
    kind: 'inbound',
    sms: { carrier: 'vonage', carrierRef: 'V1', from: '+447700900001', to: '+447700900000', body: 'hi' },
  });
  assert.deepEqual(hook(vonageGet({ ...f, text: 'hacked' })), { ok: false, reason: 'bad sig' });
  assert.deepEqual(hook(vonageGet({ ...f, sig: '' })), { ok: false, reason: 'missing sig' });
});

test('Vonage concatenated parts are read as parts of one group, for the store to join', () => {
  const hook = makeVonageWebhook();
  const part = (n: string, text: string) =>
    vonageGet({
      msisdn: '447700900001',
      to: '447700900000',
      text,
      messageId: `P${n}`,
      concat: 'true',
      'concat-ref': '9',
      'concat-total': '3',
      'concat-part': n,
    });
  const out = hook(part('2', 'lo, ✓'));
  assert.ok(out.ok && out.kind === 'part');
  const { data, ...rest } = out.part;
  assert.deepEqual(rest, {
    carrier: 'vonage',
    from: '+447700900001',
    to: '+447700900000',
    ref: '9',
    total: 3,
    seq: 2,
    encoding: 'utf8',
    timeoutMs: 600_000,
  });
  assert.equal(Buffer.from(data).toString('utf8'), 'lo, ✓');
  assert.deepEqual(hook(part('4', 'x')), { ok: false, reason: 'bad concat fields', malformed: true });
});

test('Vonage receipts: delivered, and failed with its err-code', () => {
  const hook = makeVonageWebhook();
  const r = hook(
    post(
      'https://x/dlr',
      JSON.stringify({ messageId: 'M1', status: 'failed', 'err-code': '6', msisdn: '1' }),
    ),
  );
  assert.deepEqual(r, {
    ok: true,
    kind: 'receipt',
    receipt: { carrier: 'vonage', carrierRef: 'M1', status: 'failed', error: 'failed (err-code 6)' },
  });
  const d = hook(vonageGet({ messageId: 'M2', status: 'delivered' }));
  assert.equal(d.ok && d.kind === 'receipt' && d.receipt.status, 'delivered');
});

// --- Generic --------------------------------------------------------------------------------------

const mapping = {
  inbound: { from: 'data.from', to: 'data.to', body: 'data.text', id: 'data.id' },
  receipt: { ref: 'ref', status: 'state', delivered: ['DELIVRD'], failed: ['UNDELIV', 'REJECTD'] },
};

test('a generic carrier with a shared-secret header maps JSON fields to an InboundSms', () => {
  const hook = makeGenericWebhook({
    carrier: 'acme',
    auth: { kind: 'header', header: 'x-textbridge-secret', secret: 'pw' },
    ...mapping,
  });
  const body = JSON.stringify({ data: { from: '+1', to: '+2', text: 'hey', id: 'g1' } });
  assert.deepEqual(hook(post('https://x/g', body, { 'x-textbridge-secret': 'pw' })), {
    ok: true,
    kind: 'inbound',
    sms: { carrier: 'acme', carrierRef: 'g1', from: '+1', to: '+2', body: 'hey' },
  });
  assert.deepEqual(hook(post('https://x/g', body, { 'x-textbridge-secret': 'pW' })), {
    ok: false,
    reason: 'bad x-textbridge-secret',
  });
  assert.deepEqual(hook(post('https://x/g', body)), { ok: false, reason: 'missing x-textbridge-secret' });
});

test('a generic carrier maps a media list of URLs or of objects with their content types', () => {
  const hook = makeGenericWebhook({
    carrier: 'acme',
    auth: { kind: 'header', header: 'x-textbridge-secret', secret: 'pw' },
    inbound: { ...mapping.inbound, media: 'data.media' },
  });
  const call = (media: unknown) =>
    hook(
      post('https://x/g', JSON.stringify({ data: { from: '+1', to: '+2', text: '', id: 'g2', media } }), {
        'x-textbridge-secret': 'pw',
      }),
    );
  const sms = { carrier: 'acme', carrierRef: 'g2', from: '+1', to: '+2', body: '' };
  assert.deepEqual(call(['https://m/a.jpg', { url: 'https://m/b', content_type: 'video/3gpp' }]), {
    ok: true,
    kind: 'inbound',
    sms,
    media: [{ url: 'https://m/a.jpg' }, { url: 'https://m/b', contentType: 'video/3gpp' }],
  });
  assert.deepEqual(call([]), { ok: true, kind: 'inbound', sms });
});

test('a generic carrier with an HMAC of the raw body (no timestamp) maps form fields to a receipt', () => {
  const auth = {
    kind: 'hmac-sha256' as const,
    header: 'x-sig',
    secret: 'k',
    prefix: 'sha256=',
    timestamp: false,
  };
  const hook = makeGenericWebhook({ carrier: 'acme', auth, ...mapping });
  const body = 'ref=r1&state=UNDELIV';
  const sig = `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`;
  assert.deepEqual(hook(post('https://x/g', body, { 'x-sig': sig })), {
    ok: true,
    kind: 'receipt',
    receipt: { carrier: 'acme', carrierRef: 'r1', status: 'failed', error: 'UNDELIV' },
  });
  assert.equal(hook(post('https://x/g', 'ref=r1&state=DELIVRD', { 'x-sig': sig })).ok, false);
});

const hmacHook = () =>
  makeGenericWebhook({
    carrier: 'acme',
    auth: { kind: 'hmac-sha256', header: 'x-signature', secret: 'k' },
    ...mapping,
    now: () => NOW,
  });
const signedCall = (body: string, ts: number, url = 'https://x/g'): WebhookRequest => {
  const sig = createHmac('sha256', 'k').update(`${ts}.${body}`).digest('hex');
  return post(url, body, { 'x-signature': sig, 'webhook-timestamp': String(ts) });
};
const inboundBody = JSON.stringify({ data: { from: '+1', to: '+2', text: 'hey', id: 'g1' } });

test('a generic HMAC carrier accepts a call whose signature covers the timestamp and the body', () => {
  assert.deepEqual(hmacHook()(signedCall(inboundBody, NOW / 1000 - 10)), {
    ok: true,
    kind: 'inbound',
    sms: { carrier: 'acme', carrierRef: 'g1', from: '+1', to: '+2', body: 'hey' },
  });
});

test('a generic HMAC carrier refuses a stale or missing timestamp, and a signature over the body alone', () => {
  const hook = hmacHook();
  assert.deepEqual(hook(signedCall(inboundBody, NOW / 1000 - 301)), {
    ok: false,
    reason: 'webhook-timestamp outside tolerance',
  });
  assert.equal(hook(signedCall(inboundBody, NOW / 1000 + 301)).ok, false);
  const bodyOnly = createHmac('sha256', 'k').update(inboundBody).digest('hex');
  assert.deepEqual(hook(post('https://x/g', inboundBody, { 'x-signature': bodyOnly })), {
    ok: false,
    reason: 'missing webhook-timestamp',
  });
  const headers = { 'x-signature': bodyOnly, 'webhook-timestamp': String(NOW / 1000) };
  assert.equal(hook(post('https://x/g', inboundBody, headers)).ok, false);
});

test('a captured generic HMAC call replayed with a new query takes no field from the query', () => {
  const hook = hmacHook();
  const forged = '?data.from=%2B15550000666&data.id=x2&data.text=spoofed&ref=r9&state=DELIVRD';
  const replay = signedCall(inboundBody, NOW / 1000, `https://x/g${forged}`);
  assert.deepEqual(hook(replay), {
    ok: true,
    kind: 'inbound',
    sms: { carrier: 'acme', carrierRef: 'g1', from: '+1', to: '+2', body: 'hey' },
  });
  // A signed call that carries no receipt cannot be turned into one by the query.
  const empty = signedCall('{}', NOW / 1000, `https://x/g${forged}`);
  assert.deepEqual(hook(empty), { ok: true, kind: 'ignored', note: 'not a message event' });
});
