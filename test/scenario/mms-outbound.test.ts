/**
 * Picture messages to carriers, end to end over real HTTP: the app's file-transfer message points at
 * an encrypted file in a loopback file storage; textbridge fetches, decrypts, checks and stores it,
 * and a Twilio-like and a Telnyx-like loopback carrier get MMS whose media URL they fetch back from
 * textbridge, byte for byte. A carrier without MMS gets the caption and a link; with the `refuse`
 * fallback the phone is told no. Every bad attachment is a non-2xx for the phone and a bounce notice,
 * and a picture message is charged once at the MMS price.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/child.js';
import {
  type FakeFileStorage,
  fakeJpeg,
  type StoredFile,
  startFakeFileStorage,
} from '../helpers/fake-file-storage.js';
import {
  type FakeHttpCarrier,
  type RecordedRequest,
  reply,
  startFakeHttpCarrier,
} from '../helpers/fake-http-carrier.js';
import { callOk, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const FT = 'application/x-acro-filetransfer+json';
const ALICE_PW = password('alice');
const MAX = 300_000;
let svc: TestService;
let refuser: TestService;
let storage: FakeFileStorage;
let twilio: FakeHttpCarrier;
let telnyx: FakeHttpCarrier;
let texter: FakeHttpCarrier;
let generic: FakeHttpCarrier;
let slow: FakeHttpCarrier;
/** What the carriers fetched from the media URLs they were given, by URL. */
const fetched = new Map<string, Promise<{ status: number; bytes: Buffer; type: string | null }>>();

/** A carrier that fetches every URL it is given, as Twilio and Telnyx do, then answers `ok`. */
const fetching =
  (urls: (r: RecordedRequest) => string[], ok: (n: number) => object) => (r: RecordedRequest, n: number) => {
    for (const u of urls(r))
      fetched.set(
        u,
        fetch(u).then(async (res) => ({
          status: res.status,
          bytes: Buffer.from(await res.arrayBuffer()),
          type: res.headers.get('content-type'),
        })),
      );
    return reply.json(201, ok(n));
  };
const twilioUrls = (r: RecordedRequest) => new URLSearchParams(r.body).getAll('MediaUrl');
const telnyxUrls = (r: RecordedRequest) => (JSON.parse(r.body) as { media_urls?: string[] }).media_urls ?? [];

async function service(port: number, fallback: 'link' | 'refuse'): Promise<TestService> {
  const s = await startTestService({
    server: { port, publicUrl: `http://127.0.0.1:${port}` },
    media: { maxFileBytes: MAX, fetchTimeoutMs: 2_000, mmsFallback: fallback },
    rates: { default: 0.01, mms: { default: 0.3, '+44': 0.5 } },
    carriers: [
      { name: 'twilio', type: 'twilio', accountSid: 'AC1', authToken: 'tw-token', baseUrl: twilio.url },
      { name: 'telnyx', type: 'telnyx', apiKey: 'tx-key', baseUrl: telnyx.url },
      {
        name: 'texter',
        type: 'http',
        method: 'POST',
        url: `${texter.url}/send`,
        body: '{"to":"%to%","text":"%body%"}',
      },
      {
        name: 'generic',
        type: 'http',
        method: 'POST',
        url: `${generic.url}/send`,
        body: 'to=%to%&text=%body%&media=%media_urls%',
      },
      // One message at a time: while one is in flight a send has no room, and the worker sends it.
      {
        name: 'slow',
        type: 'http',
        method: 'POST',
        url: `${slow.url}/send`,
        body: 'to=%to%&text=%body%&media=%media_urls%',
        concurrency: 1,
      },
    ],
    routes: [
      { prefixes: ['+1555'], carrier: 'twilio' },
      { prefixes: ['+44'], carrier: 'telnyx' },
      { prefixes: ['+33'], carrier: 'texter' },
      { prefixes: ['+49'], carrier: 'generic' },
      { prefixes: ['+61'], carrier: 'slow' },
    ],
    delivery: { pollMs: 20, waitMs: 5_000 },
  });
  await s.admin.add({
    username: 'alice',
    password: ALICE_PW,
    numbers: ['+15550000001'],
    region: 'US',
    credit: '10',
  });
  return s;
}

before(async () => {
  storage = await startFakeFileStorage();
  twilio = await startFakeHttpCarrier({ behaviour: fetching(twilioUrls, (n) => ({ sid: `SM${n}` })) });
  telnyx = await startFakeHttpCarrier({
    behaviour: fetching(telnyxUrls, (n) => ({ data: { id: `tx-${n}` } })),
  });
  texter = await startFakeHttpCarrier();
  slow = await startFakeHttpCarrier({ behaviour: (_r, n) => reply.slow(1_500, reply.ok(`s-${n}`)) });
  generic = await startFakeHttpCarrier({
    behaviour: fetching(
      (r) => (new URLSearchParams(r.body).get('media') ?? '').split(',').filter(Boolean),
      (n) => ({ id: `g-${n}` }),
    ),
  });
  svc = await service(await freePort(), 'link');
  refuser = await service(await freePort(), 'refuse');
});
after(async () => {
  await svc.close();
  await refuser.close();
  await Promise.all([
    storage.close(),
    twilio.close(),
    telnyx.close(),
    texter.close(),
    generic.close(),
    slow.close(),
  ]);
});

/** The app's file transfer of `files`, as it sends it. */
const transfer = (caption: string, files: Array<Partial<StoredFile> & { url: string; extra?: object }>) =>
  JSON.stringify({
    body: caption,
    attachments: files.map((f) => ({
      'content-type': 'image/jpeg',
      'content-url': f.url,
      ...(f.key ? { 'encryption-key': f.key } : {}),
      ...(f.hash ? { hash: f.hash } : {}),
      ...f.extra,
    })),
  });

const send = (s: TestService, to: string, body: string) =>
  sendJson(s.url, { from: 'alice', password: ALICE_PW, to, body, content_type: FT });

const credit = async (s: TestService) => (await s.admin.list()).find((a) => a.username === 'alice')?.credit;

test('a picture message to a Twilio number goes as MMS, and the bytes Twilio fetches are the original file', async () => {
  const plain = fakeJpeg(120_000);
  const f = storage.put('cat.jpg', plain, { serve: 'chunked' });
  const before = await credit(svc);
  const r = await send(svc, '+15557654321', transfer('look at this', [f]));
  assert.equal(r.status, 200, r.text);
  const req = twilio.requests.at(-1)!;
  const form = new URLSearchParams(req.body);
  assert.equal(form.get('Body'), 'look at this');
  const [url] = form.getAll('MediaUrl');
  assert.ok(url?.startsWith(`${svc.url.replace('localhost', '127.0.0.1')}/media/`), url);
  const got = await fetched.get(url!)!;
  assert.equal(got.status, 200);
  assert.equal(got.type, 'image/jpeg');
  assert.ok(got.bytes.equals(plain), 'Twilio fetched the decrypted original');
  assert.equal(Number((before! - (await credit(svc))!).toFixed(6)), 0.3, 'charged once at the MMS price');
  // The URL is signed: a changed signature is refused (its first character changed, whatever it was).
  const changed = url!.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
  assert.notEqual(changed, url);
  assert.equal((await fetch(changed)).status, 403);
});

test('a picture message to a Telnyx number carries media_urls, two files fetched byte for byte, at the +44 MMS price', async () => {
  const one = fakeJpeg(40_000);
  const two = fakeJpeg(70_000);
  const a = storage.put('one.jpg', one, { bits: 256 });
  const b = storage.put('two.jpg', two);
  const before = await credit(svc);
  const r = await send(svc, '+447700900123', transfer('', [a, b]));
  assert.equal(r.status, 200, r.text);
  const body = JSON.parse(telnyx.requests.at(-1)!.body) as { text: string; media_urls: string[] };
  assert.equal(body.text, '');
  assert.equal(body.media_urls.length, 2);
  const got = await Promise.all(body.media_urls.map((u) => fetched.get(u)!));
  assert.ok(got[0]!.bytes.equals(one) && got[1]!.bytes.equals(two));
  assert.equal(Number((before! - (await credit(svc))!).toFixed(6)), 0.5);
});

test('the generic http carrier with %media_urls% in its template sends MMS', async () => {
  const plain = fakeJpeg(10_000);
  const f = storage.put('g.jpg', plain);
  assert.equal((await send(svc, '+4915112345678', transfer('hi', [f]))).status, 200);
  const media = new URLSearchParams(generic.requests.at(-1)!.body).get('media')!;
  assert.ok((await fetched.get(media)!).bytes.equals(plain));
});

test('a carrier without MMS gets the caption and a link the recipient can open to the decrypted file', async () => {
  const plain = fakeJpeg(8_000);
  const f = storage.put('link.jpg', plain);
  assert.equal((await send(svc, '+33612345678', transfer('see', [f]))).status, 200);
  const text = (JSON.parse(texter.requests.at(-1)!.body) as { text: string }).text;
  const [caption, link] = text.split('\n');
  assert.equal(caption, 'see');
  assert.match(link!, /\/media\/[\w-]{22}\?exp=\d+&sig=/);
  assert.ok(Buffer.from(await (await fetch(link!)).arrayBuffer()).equals(plain));
});

test('with the refuse fallback, a picture message to a carrier without MMS is refused with a clear message', async () => {
  const f = storage.put('refused.jpg', fakeJpeg(1_000));
  const before = texter.count();
  const r = await send(refuser, '+33612345678', transfer('no', [f]));
  assert.equal(r.status, 502);
  assert.match(r.text, /Picture messages cannot be sent to this number/);
  assert.equal(texter.count(), before);
  // The same service still sends MMS where the carrier can.
  assert.equal((await send(refuser, '+15557654321', transfer('yes', [f]))).status, 200);
});

test('bad attachments are refused to the phone with a short reason, bounced and refunded, and nothing reaches the carrier', async () => {
  const big = storage.put('big.jpg', fakeJpeg(MAX + 1));
  const ok = storage.put('ok.jpg', fakeJpeg(5_000));
  const cases: Array<[string, string, number, RegExp]> = [
    ['too large', transfer('', [big]), 413, /Attachment is too large: at most 0 MiB per file/],
    ['bad hash', transfer('', [{ ...ok, hash: '42' }]), 422, /does not match its hash/],
    ['bad key', transfer('', [{ ...ok, key: 'ab'.repeat(16) }]), 422, /cannot be decrypted/],
    [
      'unreachable',
      transfer('', [{ url: `${storage.url}/missing.jpg` }]),
      502,
      /could not be downloaded: HTTP 404/,
    ],
    ['forbidden type', transfer('', [{ ...ok, extra: { 'content-type': 'text/html' } }]), 415, /text\/html/],
  ];
  const sent = twilio.count();
  const before = await credit(svc);
  for (const [what, body, status, message] of cases) {
    const r = await send(svc, '+15557654321', body);
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.match((r.json() as { message: string }).message, message, what);
  }
  assert.equal(twilio.count(), sent);
  assert.equal(await credit(svc), before, 'every refused picture message was refunded');
  const inbox = await callOk(svc.url, '/fetch_messages', { username: 'alice', password: ALICE_PW });
  const bounces = inbox.received_smss.filter((m) => String(m['sms_text']).includes('could not be delivered'));
  assert.ok(bounces.length >= cases.length, `bounce notices: ${bounces.length}`);
});

test('a bad attachment found by the worker (the carrier had no room) reaches the sender as a bounce notice', async () => {
  const busy = sendJson(svc.url, {
    from: 'alice',
    password: ALICE_PW,
    to: '+61400000001',
    body: 'hold the slot',
  });
  while (slow.count() === 0) await new Promise((r) => setTimeout(r, 10));
  const r = await send(svc, '+61400000002', transfer('', [{ url: `${storage.url}/gone.jpg` }]));
  assert.equal(r.status, 200, 'answered once stored: the carrier had no room for a first attempt');
  const smsId = (r.json() as { sms_id: string }).sms_id;
  assert.equal((await busy).status, 200);
  let bounce: Record<string, unknown> | undefined;
  for (let i = 0; i < 200 && !bounce; i++) {
    const inbox = await callOk(svc.url, '/fetch_messages', { username: 'alice', password: ALICE_PW });
    bounce = inbox.received_smss.find((m) =>
      /\+61400000002 could not be delivered: Attachment could not be downloaded: HTTP 404/.test(
        String(m['sms_text']),
      ),
    );
    if (!bounce) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(bounce, 'a bounce notice names the attachment');
  const sent = (await callOk(svc.url, '/fetch_messages', { username: 'alice', password: ALICE_PW }))
    .sent_smss;
  assert.ok(sent.some((m) => m['sms_id'] === smsId));
  assert.equal(slow.count(), 1, 'only the text reached the carrier');
});
