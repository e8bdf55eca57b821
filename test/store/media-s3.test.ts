/**
 * The S3-compatible media store against a loopback fake S3 that checks every SigV4 signature with an
 * independent implementation (aws4), and a real database (SQLite, or PostgreSQL with
 * TEXTBRIDGE_TEST_PG=1): files round-trip byte for byte, one part or many, ranges read what they ask,
 * a file past its limit or a refused signature leaves nothing behind, and orphans are swept.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import type { MediaOrphans, MediaStore } from '../../src/app/media.js';
import { buildConfig } from '../../src/config/index.js';
import { SmsError } from '../../src/errors.js';
import { openMediaStore } from '../../src/main/media.js';
import { makeS3MediaStore, PART_BYTES } from '../../src/store/adapters/media-s3.js';
import { makeS3Client, type S3Client } from '../../src/store/s3/client.js';
import { freshDb } from '../helpers/db.js';
import { type FakeS3, startFakeS3 } from '../helpers/fake-s3.js';

const CREDS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key', region: 'eu-west-3' };
let db: Awaited<ReturnType<typeof freshDb>>;
let s3: FakeS3;
let client: S3Client;
let media: MediaStore & MediaOrphans;
let now = 1_800_000_000_000;

before(async () => {
  db = await freshDb();
  s3 = await startFakeS3({ bucket: 'pics', ...CREDS });
  client = makeS3Client({
    ...CREDS,
    endpoint: s3.url,
    bucket: 'pics',
    forcePathStyle: true,
    timeoutMs: 5_000,
  });
  media = makeS3MediaStore(db, client, 'media/', { now: () => now });
});
after(async () => {
  await client.close();
  await s3.close();
  await db.close();
});

/** A stream of `data` in 64 KiB chunks, as a socket would give it. */
const chunked = (data: Buffer) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
    })(),
  );

test('a small file is one signed PutObject and opens with its bytes, size, hash and type', async () => {
  const data = randomBytes(100_000);
  const put = await media.put(chunked(data), {
    contentType: 'image/png',
    maxBytes: 1_000_000,
    filename: 'a.png',
  });
  assert.equal(put.size, data.length);
  assert.equal(put.sha256, createHash('sha256').update(data).digest('hex'));
  assert.ok(s3.objects.get(`media/${put.id}`)?.body.equals(data));
  assert.equal(s3.refused, 0);
  const file = await media.open(put.id);
  assert.ok(file);
  assert.deepEqual([file.contentType, file.size, file.filename], ['image/png', data.length, 'a.png']);
  assert.ok((await buffer(file.stream)).equals(data));
});

test('a file larger than a part is a multipart upload whose parts hold at most one part in memory', async () => {
  const data = randomBytes(2 * PART_BYTES + 12_345);
  const put = await media.put(chunked(data), { contentType: 'video/mp4', maxBytes: 50_000_000 });
  assert.ok(s3.log.some((l) => l.startsWith('POST') && l.includes('uploads')));
  assert.equal(s3.uploads.size, 0, 'the upload was completed');
  assert.ok(s3.largestBody <= PART_BYTES + 65_536, `largest request body ${s3.largestBody}`);
  assert.ok((await buffer((await media.open(put.id))!.stream)).equals(data));
  const part = await media.open(put.id, { first: PART_BYTES - 10, last: PART_BYTES + 9 });
  assert.deepEqual(part?.range, { start: PART_BYTES - 10, end: PART_BYTES + 9 });
  assert.ok((await buffer(part!.stream)).equals(data.subarray(PART_BYTES - 10, PART_BYTES + 10)));
  const tail = await media.open(put.id, { suffix: 5 });
  assert.ok((await buffer(tail!.stream)).equals(data.subarray(-5)));
  assert.equal((await media.open(put.id, { first: data.length }))?.range, null);
});

test('a file over its limit is refused, its multipart upload aborted, and no object or row is left', async () => {
  const before = s3.objects.size;
  await assert.rejects(
    media.put(chunked(randomBytes(PART_BYTES + 200_000)), {
      contentType: 'video/mp4',
      maxBytes: PART_BYTES + 100_000,
    }),
    (e: unknown) => e instanceof SmsError && e.code === 'SMS_ERR_TOO_LARGE',
  );
  assert.equal(s3.uploads.size, 0);
  assert.equal(s3.objects.size, before);
  const rows = await db.kysely.selectFrom('media').select('id').execute();
  assert.equal(rows.length, before);
});

test('requests signed with the wrong secret are refused by the server and store nothing', async () => {
  const bad = makeS3Client({
    ...CREDS,
    secretAccessKey: 'wrong',
    endpoint: s3.url,
    bucket: 'pics',
    forcePathStyle: true,
    timeoutMs: 5_000,
  });
  const store = makeS3MediaStore(db, bad, 'media/', { now: () => now });
  const refused = s3.refused;
  await assert.rejects(
    store.put(chunked(randomBytes(10)), { contentType: 'text/plain', maxBytes: 100 }),
    /SignatureDoesNotMatch/,
  );
  assert.equal(s3.refused, refused + 1);
  await bad.close();
});

test('deleting removes the row and the object; an unknown id opens as nothing', async () => {
  const put = await media.put(chunked(randomBytes(10)), { contentType: 'text/plain', maxBytes: 100 });
  assert.equal(await media.delete(put.id), true);
  assert.equal(s3.objects.has(`media/${put.id}`), false);
  assert.equal(await media.open(put.id), null);
  assert.equal(await media.delete(put.id), false);
});

test('objects without a row are swept once older than the grace period, and files with a row are kept', async () => {
  const kept = await media.put(chunked(randomBytes(10)), { contentType: 'text/plain', maxBytes: 100 });
  const orphan = await media.put(chunked(randomBytes(10)), { contentType: 'text/plain', maxBytes: 100 });
  // A crash between a delete's two steps: the row went, the object stayed.
  await db.kysely.deleteFrom('media').where('id', '=', orphan.id).execute();
  assert.equal(await media.sweepOrphans(Date.now() - 60_000), 0, 'younger than the grace period');
  assert.equal(await media.sweepOrphans(Date.now() + 1_000), 1);
  assert.equal(s3.objects.has(`media/${orphan.id}`), false);
  assert.equal(s3.objects.has(`media/${kept.id}`), true);
  now += 1;
});

test('media.store "s3" opens the bucket of media.s3, and "s3" without media.s3 is refused', async () => {
  const s3conf = { endpoint: s3.url, bucket: 'pics', forcePathStyle: true, prefix: 'cfg/', ...CREDS };
  const config = buildConfig({ dataDir: db.dataDir, media: { store: 's3', s3: s3conf } });
  const store = openMediaStore(config, db, { now: () => now });
  const put = await store.put(chunked(Buffer.from('via config')), {
    contentType: 'text/plain',
    maxBytes: 100,
  });
  assert.ok(s3.objects.get(`cfg/${put.id}`)?.body.equals(Buffer.from('via config')));
  assert.throws(() => buildConfig({ media: { store: 's3' } }), /media\.s3 must be set/);
});
