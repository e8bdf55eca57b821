/**
 * Preparing a picture message's attachments against a real loopback file storage, a real data dir and
 * a real database: a file is downloaded, decrypted and checked on its way into the media store, and
 * every refusal (too large, forbidden type, unreachable, slow, wrong hash, wrong key) leaves nothing
 * stored.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import type { MediaStore } from '../../src/app/media.js';
import { makeMediaSigner } from '../../src/app/media-urls.js';
import { type MmsPrepare, makeMmsPrepare } from '../../src/app/mms-prepare.js';
import { makeMmsSend, mediaStep } from '../../src/app/mms-send.js';
import type { CarrierAdapter } from '../../src/app/ports.js';
import { makeFetchMedia } from '../../src/carriers/http/fetch-media.js';
import type { Attachment } from '../../src/domain/file-transfer.js';
import { crc32, crc32Matches } from '../../src/domain/file-transfer.js';
import { CONTENT_TYPE_FILE_TRANSFER, type Message } from '../../src/domain/message.js';
import { SmsError } from '../../src/errors.js';
import { makeFsMediaStore } from '../../src/store/adapters/media-fs.js';
import { freshDb } from '../helpers/db.js';
import { type FakeFileStorage, fakeJpeg, startFakeFileStorage } from '../helpers/fake-file-storage.js';

let db: Awaited<ReturnType<typeof freshDb>>;
let media: MediaStore;
let storage: FakeFileStorage;
let fetcher: ReturnType<typeof makeFetchMedia>;
let prep: MmsPrepare;
let dir: string;
const MAX = 200_000;

before(async () => {
  db = await freshDb();
  dir = path.join(db.dataDir, 'media');
  media = makeFsMediaStore(db, dir, { now: () => Date.now() });
  storage = await startFakeFileStorage();
  fetcher = makeFetchMedia();
  prep = makeMmsPrepare({
    media,
    fetch: fetcher.fetch,
    options: { maxFileBytes: MAX, fetchTimeoutMs: 1_500, allowedTypes: ['image/*', 'video/*'] },
  });
});
after(async () => {
  await fetcher.close();
  await storage.close();
  await db.close();
});

const filesOnDisk = (): number => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
};

const signal = () => AbortSignal.timeout(5_000);

/** Prepare, expecting a refusal with `code`; the media folder holds as many files after as before. */
async function refused(attachments: Attachment[], code: string, message: RegExp) {
  const before = filesOnDisk();
  await assert.rejects(prep.prepare(attachments, 1, signal()), (e: unknown) => {
    assert.ok(e instanceof SmsError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
  assert.equal(filesOnDisk(), before, 'nothing is left stored');
}

test('an encrypted attachment is stored decrypted, with its type, and its bytes are the original', async () => {
  for (const bits of [128, 192, 256] as const) {
    const plain = fakeJpeg(50_000);
    const f = storage.put(`photo-${bits}`, plain, { bits, serve: 'chunked' });
    const [file] = await prep.prepare(
      [{ url: f.url, contentType: 'image/jpeg', key: f.key, hash: f.hash }],
      1,
      signal(),
    );
    assert.ok(file);
    assert.equal(file.size, plain.length);
    const open = await media.open(file.id);
    assert.equal(open?.contentType, 'image/jpeg');
    assert.deepEqual(await buffer(open!.stream), plain);
  }
});

test('an attachment without a key is stored as downloaded, and its type defaults to image/jpeg', async () => {
  const plain = randomBytes(10_000);
  const f = storage.put('plain', plain);
  // Served encrypted by the fake: without the key, the download itself is the file.
  const [file] = await prep.prepare([{ url: f.url, contentType: 'image/jpeg' }], null, signal());
  const open = await media.open(file!.id);
  assert.deepEqual(await buffer(open!.stream), f.encrypted);
});

test('the hash is accepted over the download as the older wording of the page has it', async () => {
  const plain = fakeJpeg(3_000);
  const f = storage.put('old-hash', plain);
  const hash = crc32(f.encrypted).toString(16).padStart(8, '0');
  const files = await prep.prepare(
    [{ url: f.url, contentType: 'image/jpeg', key: f.key, hash }],
    1,
    signal(),
  );
  assert.equal(files.length, 1);
});

test('a hash is read as unsigned or signed decimal or as hex', () => {
  const crc = 0xcbf43926; // CRC-32 of "123456789"
  assert.equal(crc32(Buffer.from('123456789')), crc);
  for (const h of ['3421780262', '-873187034', 'cbf43926', '0xCBF43926', ' 3421780262 '])
    assert.ok(crc32Matches(h, crc), h);
  for (const h of ['3421780263', 'cbf43927', 'abc', '']) assert.ok(!crc32Matches(h, crc), h);
});

test('an attachment whose hash does not match is refused and nothing is stored', async () => {
  const f = storage.put('bad-hash', fakeJpeg(20_000));
  await refused(
    [{ url: f.url, contentType: 'image/jpeg', key: f.key, hash: '12345' }],
    'SMS_ERR_MEDIA_INVALID',
    /does not match its hash/,
  );
});

test('a picture decrypted with the wrong key is refused even without a hash', async () => {
  const f = storage.put('wrong-key', fakeJpeg(20_000));
  const wrong = randomBytes(16).toString('hex');
  await refused(
    [{ url: f.url, contentType: 'image/jpeg', key: wrong }],
    'SMS_ERR_MEDIA_INVALID',
    /decrypted/,
  );
  await refused(
    [{ url: f.url, contentType: 'image/jpeg', key: 'zz' }],
    'SMS_ERR_MEDIA_INVALID',
    /key is not valid/,
  );
});

test('an attachment over the size limit is refused, whether its length is declared or not', async () => {
  const whole = storage.put('big-whole', fakeJpeg(MAX + 10));
  const chunked = storage.put('big-chunked', fakeJpeg(MAX + 10), { serve: 'chunked' });
  for (const f of [whole, chunked])
    await refused([{ url: f.url, contentType: 'image/jpeg', key: f.key }], 'SMS_ERR_TOO_LARGE', /too large/);
  await refused(
    [{ url: whole.url, contentType: 'image/jpeg', size: MAX + 1 }],
    'SMS_ERR_TOO_LARGE',
    /at most 0 MiB/,
  );
});

test('an attachment of a type outside media.allowedTypes is refused before it is downloaded', async () => {
  const f = storage.put('page', Buffer.from('<html>'));
  const gets = storage.gets.length;
  await refused([{ url: f.url, contentType: 'text/html' }], 'SMS_ERR_UNSUPPORTED_TYPE', /text\/html/);
  assert.equal(storage.gets.length, gets);
});

test('an unreachable, missing or too slow attachment is refused, and the files stored before it are deleted', async () => {
  const good = storage.put('good', fakeJpeg(5_000));
  const first = { url: good.url, contentType: 'image/jpeg', key: good.key };
  await refused(
    [first, { url: `${storage.url}/nothing`, contentType: 'image/jpeg' }],
    'SMS_ERR_MEDIA_UNREACHABLE',
    /HTTP 404/,
  );
  await refused(
    [first, { url: 'http://127.0.0.1:1/x', contentType: 'image/jpeg' }],
    'SMS_ERR_MEDIA_UNREACHABLE',
    /connection refused/,
  );
  const slow = storage.put('slow', fakeJpeg(5_000), { serve: { stallMs: 4_000 } });
  await refused(
    [first, { url: slow.url, contentType: 'image/jpeg', key: slow.key }],
    'SMS_ERR_MEDIA_UNREACHABLE',
    /too long|timed out/,
  );
  await refused(
    [{ url: 'file:///etc/passwd', contentType: 'image/jpeg' }],
    'SMS_ERR_MEDIA_UNREACHABLE',
    /http/,
  );
});

test("a download stopped by the job's signal (stopping, out of lease) is handed back for a retry, not refused", async () => {
  const slow = storage.put('stopped', fakeJpeg(5_000), { serve: { stallMs: 4_000 } });
  const mms = makeMmsSend({
    prepare: prep,
    signer: makeMediaSigner('test-secret'),
    clock: { now: () => Date.now() },
    options: { base: 'http://127.0.0.1:1', mmsUrlTtlSec: 60, linkTtlSec: 60, fallback: 'link' },
  });
  const body = JSON.stringify({ attachments: [{ 'content-url': slow.url, 'encryption-key': slow.key }] });
  const m = { id: 1, senderAccountId: 1, contentType: CONTENT_TYPE_FILE_TRANSFER, body } as Message;
  const carrier: CarrierAdapter = { name: 'c', mms: true, send: async () => ({ ok: true, carrierRefs: [] }) };
  const before = filesOnDisk();
  const step = await mediaStep(mms, m, ['c'], new Map([['c', carrier]]), AbortSignal.timeout(300));
  assert.equal(step.kind, 'retry');
  assert.equal(filesOnDisk(), before);
});
