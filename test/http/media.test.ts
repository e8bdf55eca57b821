/**
 * The media upload service and signed downloads over real HTTP, with a real store and real files: an
 * upload up to the limit round-trips byte for byte, one byte over is refused with nothing left on disk,
 * the quota and the allowed types hold, and a forged or expired URL is refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const LIMIT = 200_000;
const QUOTA = 500_000;
const ALICE = password('media-alice');
const BOB = password('media-bob');
let svc: TestService;

before(async () => {
  svc = await startTestService({
    media: { maxFileBytes: LIMIT, quotaBytes: QUOTA, urlTtlSec: 3600, publicUrl: 'http://media.invalid/tb' },
  });
  await svc.admin.add({ username: 'alice', password: ALICE, numbers: ['+15550000061'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB, numbers: ['+15550000062'], region: 'US' });
});
after(() => svc.close());

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

async function upload(body: Buffer, type: string, user = 'alice', pass = ALICE, extra = ''): Promise<Answer> {
  const q = `username=${user}&password=${encodeURIComponent(pass)}${extra}`;
  const r = await fetch(`${svc.url}/media/upload?${q}`, {
    method: 'PUT',
    headers: { 'content-type': type },
    body,
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** The served URL on this test server (the handed-out one names `media.publicUrl`). */
function local(url: unknown): string {
  return String(url).replace('http://media.invalid/tb', svc.url);
}

function mediaFiles(): string[] {
  const dir = path.join(svc.config.dataDir, 'media');
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

test('a file of exactly the size limit uploads and downloads byte for byte by its signed URL', async () => {
  const file = randomBytes(LIMIT);
  const up = await upload(file, 'image/jpeg', 'alice', ALICE, '&filename=Grüße%20"1".jpg');
  assert.equal(up.status, 200, JSON.stringify(up.json));
  assert.equal(up.json['content-size'], LIMIT);
  assert.equal(up.json['content-type'], 'image/jpeg');
  assert.match(
    String(up.json['content-url']),
    /^http:\/\/media\.invalid\/tb\/media\/[\w-]{22}\?exp=\d+&sig=[\w-]+$/,
  );
  const r = await fetch(local(up.json['content-url']));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/jpeg');
  assert.equal(r.headers.get('content-length'), String(LIMIT));
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(
    r.headers.get('content-disposition'),
    `inline; filename="Gr__e _1_.jpg"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%221%22.jpg`,
  );
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), file);
});

test('one byte over the size limit is refused with 413 and a message, and no file is left', async () => {
  const before = mediaFiles().length;
  const up = await upload(randomBytes(LIMIT + 1), 'image/jpeg');
  assert.equal(up.status, 413);
  assert.match(String(up.json['message']), /too large/);
  assert.equal(mediaFiles().length, before);
});

test('an upload without a Content-Length is cut off at the limit, and no file is left', async () => {
  const before = mediaFiles().length;
  const body = new ReadableStream({
    start(c) {
      c.enqueue(randomBytes(LIMIT));
      c.enqueue(randomBytes(10));
      c.close();
    },
  });
  const r = await fetch(`${svc.url}/media/upload?username=alice&password=${encodeURIComponent(ALICE)}`, {
    method: 'POST',
    headers: { 'content-type': 'video/mp4' },
    body,
    duplex: 'half',
  } as RequestInit);
  assert.equal(r.status, 413);
  assert.match(((await r.json()) as { message: string }).message, /too large/);
  assert.equal(mediaFiles().length, before);
});

test("an upload past the account's quota is refused with 413, and other accounts are not affected", async () => {
  for (let used = 0; used + LIMIT <= QUOTA; used += LIMIT) {
    assert.equal((await upload(randomBytes(LIMIT), 'video/mp4', 'bob', BOB)).status, 200);
  }
  const over = await upload(randomBytes(LIMIT), 'video/mp4', 'bob', BOB);
  assert.equal(over.status, 413);
  assert.match(String(over.json['message']), /quota/);
  assert.equal((await upload(randomBytes(10), 'text/plain', 'alice')).status, 200);
});

test('a forbidden type is refused with 415 and a message', async () => {
  const up = await upload(Buffer.from('<script>alert(1)</script>'), 'text/html; charset=utf-8');
  assert.equal(up.status, 415);
  assert.match(String(up.json['message']), /text\/html/);
});

test('a wrong password is refused with 401 and nothing is stored', async () => {
  const before = mediaFiles().length;
  assert.equal((await upload(randomBytes(10), 'image/png', 'alice', 'wrong')).status, 401);
  assert.equal(mediaFiles().length, before);
});

test('a forged signature is refused with 403, an expired URL with 410, an unknown id with 404', async () => {
  const up = await upload(randomBytes(100), 'image/png');
  const url = new URL(local(up.json['content-url']));
  const sig = url.searchParams.get('sig')!;
  const exp = Number(url.searchParams.get('exp'));
  const forged = new URL(url);
  forged.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
  const r1 = await fetch(forged);
  assert.equal(r1.status, 403);
  assert.match(((await r1.json()) as { message: string }).message, /signature/);
  const extended = new URL(url);
  extended.searchParams.set('exp', String(exp + 3600));
  assert.equal((await fetch(extended)).status, 403);
  const unsigned = new URL(url);
  unsigned.search = '';
  assert.equal((await fetch(unsigned)).status, 403);
  // The signer of this server, with an expiry in the past: signed alike, but expired.
  const { makeMediaSigner } = await import('../../src/app/media-urls.js');
  const { settingOrInsert } = await import('../../src/store/sql/media.js');
  const secret = await settingOrInsert(svc.db.kysely, 'media.secret', 'unused');
  const id = url.pathname.split('/').pop()!;
  const expired = makeMediaSigner(secret).url(svc.url, id, Date.now() - 7200_000, 3600);
  const r2 = await fetch(expired);
  assert.equal(r2.status, 410);
  assert.match(((await r2.json()) as { message: string }).message, /expired/);
  const unknown = makeMediaSigner(secret).url(svc.url, 'AAAAAAAAAAAAAAAAAAAAAA', Date.now(), 3600);
  assert.equal((await fetch(unknown)).status, 404);
});

test('an upload cut off by the client leaves no file, not even a temporary one', async () => {
  const { request } = await import('node:http');
  const before = mediaFiles().length;
  const url = new URL(`${svc.url}/media/upload?username=alice&password=${encodeURIComponent(ALICE)}`);
  const req = request(url, {
    method: 'PUT',
    headers: { 'content-type': 'image/png', 'content-length': String(LIMIT) },
  });
  req.on('error', () => {});
  req.write(randomBytes(LIMIT / 2));
  // Wait until the server has the partial file open, then hang up.
  const deadline = Date.now() + 5000;
  while (mediaFiles().length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(mediaFiles().length, before + 1, 'the upload was being written');
  req.destroy();
  while (mediaFiles().length !== before && Date.now() < deadline + 5000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(mediaFiles().length, before);
  // The server goes on serving, and a client's hang-up is not logged as a failure of ours.
  assert.equal((await upload(randomBytes(10), 'image/png')).status, 200);
  const { readFileSync } = await import('node:fs');
  assert.doesNotMatch(readFileSync(svc.logFile, 'utf8'), /request failed/);
});

test('a byte range is answered 206 with its bytes, an unsatisfiable one 416, several ranges with the whole file', async () => {
  const file = randomBytes(1000);
  const url = local((await upload(file, 'video/mp4')).json['content-url']);
  const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 100-199/1000');
  assert.equal(part.headers.get('content-length'), '100');
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), file.subarray(100, 200));
  const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
  assert.equal(tail.status, 206);
  assert.deepEqual(Buffer.from(await tail.arrayBuffer()), file.subarray(990));
  const open = await fetch(url, { headers: { range: 'bytes=995-' } });
  assert.deepEqual(Buffer.from(await open.arrayBuffer()), file.subarray(995));
  const beyond = await fetch(url, { headers: { range: 'bytes=1000-' } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), 'bytes */1000');
  await beyond.arrayBuffer();
  const several = await fetch(url, { headers: { range: 'bytes=0-1,5-6' } });
  assert.equal(several.status, 200);
  assert.deepEqual(Buffer.from(await several.arrayBuffer()), file);
});
