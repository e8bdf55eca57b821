/**
 * Inbound picture messages end to end over real HTTP: a Twilio-like and a Telnyx-like webhook name
 * media on a loopback media server (Twilio's requires the account's HTTP Basic credentials and
 * redirects to a CDN path, as Twilio does; Telnyx's URLs are pre-signed); the app fetches a file
 * transfer whose attachments carry their types, sizes, a preview for the picture, and URLs that
 * download the files byte for byte.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { adminUseCases } from '../../src/main/admin.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PUBLIC = 'https://sms.example.com';
const MEDIA_BASE = 'https://media.example.com';
const SID = 'AC0123456789';
const TOKEN = 'twilio-token';
const PW = password('carol');
const telnyxKeys = generateKeyPairSync('ed25519');
const telnyxPublic = Buffer.from(telnyxKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString(
  'base64',
);

let svc: TestService;
let media: Server;
let mediaUrl: string;
let picture: Buffer;
const video = randomBytes(300_000);
/** What the media server was asked, with the Authorization it got. */
const asked: Array<{ path: string; auth: string | undefined }> = [];
let gate: Promise<void> = Promise.resolve();

before(async () => {
  picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
    .jpeg()
    .toBuffer();
  const basic = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
  media = createServer(async (req, res) => {
    const path = req.url ?? '';
    asked.push({ path, auth: req.headers.authorization });
    await gate;
    if (path.startsWith('/twilio/')) {
      if (req.headers.authorization !== basic) return res.writeHead(401).end();
      // Twilio answers a media URL with a redirect to where the file is.
      return res.writeHead(307, { location: `/cdn/${path.slice('/twilio/'.length)}` }).end();
    }
    const file = path.includes('pic')
      ? picture
      : path.includes('clip')
        ? video
        : path.includes('huge')
          ? Buffer.alloc(1_500_000)
          : undefined;
    if (path.includes('down')) return res.writeHead(503).end();
    if (!file) return res.writeHead(404).end();
    // `-chunked` files come without a Content-Length: their size is known only once read.
    const length = path.includes('-chunked') ? {} : { 'content-length': file.length };
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...length });
    res.end(file);
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  svc = await startTestService({
    push: { enabled: false },
    delivery: { pollMs: 20 },
    inbound: { publicUrl: PUBLIC },
    media: { publicUrl: MEDIA_BASE, inboundRetryDelaysSec: [1], maxFileBytes: 1_000_000 },
    carriers: [
      { name: 'twilio', type: 'twilio', accountSid: SID, authToken: TOKEN },
      { name: 'telnyx', type: 'telnyx', apiKey: 'k', publicKey: telnyxPublic },
    ],
  });
  await svc.admin.add({ username: 'carol', password: PW, numbers: ['+15550000003'], region: 'US' });
});
after(async () => {
  await svc.close();
  await new Promise((r) => media.close(r));
});

function twilioPost(fields: Record<string, string>) {
  const path = '/inbound/twilio';
  const sig = twilioSignature(TOKEN, PUBLIC + path, Object.entries(fields));
  return fetch(svc.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: new URLSearchParams(fields).toString(),
  });
}

function telnyxPost(event: object) {
  const body = JSON.stringify(event);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = sign(null, Buffer.from(`${ts}|${body}`), telnyxKeys.privateKey).toString('base64');
  return fetch(`${svc.url}/inbound/telnyx`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'telnyx-signature-ed25519': sig, 'telnyx-timestamp': ts },
    body,
  });
}

type Attachment = Record<string, unknown> & { 'content-url': string };

/** Carol's received messages after `known`, waiting until there are `n`. */
async function received(n: number, known = 0, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const page = await callOk(svc.url, '/fetch_messages', { username: 'carol', password: PW, last_id: '' });
    const got = page.received_smss.slice(known);
    if (got.length >= n || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Download a media URL from the service (its base is the configured public one). */
const download = async (url: string) => {
  const res = await fetch(url.replace(MEDIA_BASE, svc.url));
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
};

test('a Twilio MMS with a picture and a video reaches the app as a file transfer only once both files are stored, and they download byte for byte', async () => {
  let open!: () => void;
  gate = new Promise((r) => {
    open = r;
  });
  const fields = {
    MessageSid: 'MM001',
    From: '+442071838750',
    To: '+15550000003',
    Body: 'the beach',
    NumMedia: '2',
    MediaUrl0: `${mediaUrl}/twilio/pic-1`,
    MediaContentType0: 'image/jpeg',
    MediaUrl1: `${mediaUrl}/twilio/clip-2`,
    MediaContentType1: 'video/mp4',
  };
  assert.equal((await twilioPost(fields)).status, 200);
  // Answered, but not offered to the app while its media is still being fetched.
  assert.deepEqual(await received(1, 0, 300), []);
  open();
  const [m] = await received(1);
  assert.ok(m, 'the message reached the app');
  assert.equal(m['content_type'], 'application/x-acro-filetransfer+json');
  const ft = JSON.parse(String(m['sms_text'])) as { body: string; attachments: Attachment[] };
  assert.equal(ft.body, 'the beach');
  assert.deepEqual(
    ft.attachments.map((a) => [a['content-type'], a['content-size'], a['filename']]),
    [
      ['image/jpeg', picture.length, 'attachment-1.jpg'],
      ['video/mp4', video.length, 'attachment-2.mp4'],
    ],
  );
  const preview = ft.attachments[0]!['preview'] as { 'content-type': string; content: string };
  assert.equal(preview['content-type'], 'image/jpeg');
  const meta = await sharp(Buffer.from(preview.content, 'base64')).metadata();
  assert.ok(meta.format === 'jpeg' && (meta.width ?? 0) <= 96 && (meta.height ?? 0) <= 96);
  assert.equal(ft.attachments[1]!['preview'], undefined);
  assert.ok(ft.attachments.every((a) => a['content-url'].startsWith(`${MEDIA_BASE}/media/`)));
  assert.ok((await download(ft.attachments[0]!['content-url'])).equals(picture));
  assert.ok((await download(ft.attachments[1]!['content-url'])).equals(video));
  // The credentials went to the carrier's media URL only.
  assert.ok(asked.filter((a) => a.path.startsWith('/twilio/')).every((a) => a.auth?.startsWith('Basic ')));

  // The carrier's retry of the same webhook is stored once.
  assert.equal((await twilioPost(fields)).status, 200);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await received(2, 0, 0)).length, 1);
});

test('a Telnyx MMS reaches the app with its pre-signed media stored and served by textbridge', async () => {
  const event = {
    data: {
      event_type: 'message.received',
      payload: {
        id: 'tx-001',
        from: { phone_number: '+442071838751' },
        to: [{ phone_number: '+15550000003' }],
        text: '',
        media: [{ url: `${mediaUrl}/cdn/pic-9.jpg?sig=presigned`, content_type: 'image/jpeg' }],
      },
    },
  };
  assert.equal((await telnyxPost(event)).status, 200);
  const [m] = await received(1, 1);
  assert.ok(m);
  const ft = JSON.parse(String(m['sms_text'])) as { body?: string; attachments: Attachment[] };
  assert.equal(ft.body, undefined);
  const [a] = ft.attachments;
  assert.deepEqual(
    [a?.['content-type'], a?.['content-size'], a?.['filename']],
    ['image/jpeg', picture.length, 'pic-9.jpg'],
  );
  assert.ok(a?.['preview']);
  assert.ok((await download(a!['content-url'])).equals(picture));
});

test('media still unreachable after the retries: the text arrives with a line saying an attachment could not be retrieved', async () => {
  const fields = {
    MessageSid: 'MM002',
    From: '+442071838750',
    To: '+15550000003',
    Body: 'see this',
    NumMedia: '1',
    MediaUrl0: `${mediaUrl}/cdn/down-1`,
    MediaContentType0: 'image/png',
  };
  assert.equal((await twilioPost(fields)).status, 200);
  const [m] = await received(1, 2);
  assert.ok(m);
  assert.equal(m['content_type'], 'text/plain');
  assert.equal(m['sms_text'], 'see this\n[1 attachment could not be retrieved]');
  assert.equal(asked.filter((a) => a.path === '/cdn/down-1').length, 2, 'tried, then once more');
});

test('files over media.maxFileBytes, by Content-Length or once read, are not retried: the message arrives at once with the others and the line', async () => {
  const fields = {
    MessageSid: 'MM003',
    From: '+442071838750',
    To: '+15550000003',
    Body: '',
    NumMedia: '3',
    MediaUrl0: `${mediaUrl}/cdn/huge-1.mp4`,
    MediaContentType0: 'video/mp4',
    MediaUrl1: `${mediaUrl}/cdn/clip-2.mp4`,
    MediaContentType1: 'video/mp4',
    MediaUrl2: `${mediaUrl}/cdn/huge-chunked-3.mp4`,
    MediaContentType2: 'video/mp4',
  };
  assert.equal((await twilioPost(fields)).status, 200);
  const [m] = await received(1, 3);
  assert.ok(m);
  const ft = JSON.parse(String(m['sms_text'])) as { body: string; attachments: Attachment[] };
  assert.equal(ft.body, '[2 attachments could not be retrieved]');
  assert.deepEqual(
    ft.attachments.map((a) => [a['content-type'], a['content-size'], a['filename']]),
    [['video/mp4', video.length, 'clip-2.mp4']],
  );
  for (const huge of ['/cdn/huge-1.mp4', '/cdn/huge-chunked-3.mp4']) {
    assert.equal(asked.filter((a) => a.path === huge).length, 1, `${huge} refused for good, not retried`);
  }
});

test("purging the recipient's media deletes the files of its inbound picture messages", async () => {
  const urls = (await received(4, 0, 0))
    .filter((m) => m['content_type'] === 'application/x-acro-filetransfer+json')
    .flatMap((m) => (JSON.parse(String(m['sms_text'])) as { attachments: Attachment[] }).attachments)
    .map((a) => a['content-url'].replace(MEDIA_BASE, svc.url));
  assert.equal(urls.length, 4);
  const removed = await adminUseCases(svc.config, svc.db).removeAccount('carol', { purge: true });
  assert.equal(removed.mediaDeleted, 4);
  for (const url of urls) assert.equal((await fetch(url)).status, 404);
});
