/**
 * The filesystem media store against a real data dir and a real database (SQLite, or PostgreSQL with
 * TEXTBRIDGE_TEST_PG=1): files round-trip byte for byte, a file past its limit leaves nothing behind,
 * and usage, purge and the retention sweep see only what they should.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import type { MediaOrphans, MediaStore } from '../../src/app/media.js';
import { SmsError } from '../../src/errors.js';
import { makeFsMediaStore } from '../../src/store/adapters/media-fs.js';
import { freshDb } from '../helpers/db.js';

let db: Awaited<ReturnType<typeof freshDb>>;
let media: MediaStore;
let dir: string;
let now = 1_800_000_000_000;

before(async () => {
  db = await freshDb();
  dir = path.join(db.dataDir, 'media');
  media = makeFsMediaStore(db, dir, { now: () => now });
});
after(() => db.close());

/** Every file under the media folder, temporary ones included. */
function filesOnDisk(): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

test('a stored file opens with its bytes, size, hash, type and name', async () => {
  const bytes = randomBytes(300_000);
  const stored = await media.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), {
    contentType: 'image/png',
    accountId: 7,
    filename: 'café.png',
    maxBytes: bytes.length,
  });
  assert.match(stored.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(stored.size, bytes.length);
  assert.equal(stored.sha256, createHash('sha256').update(bytes).digest('hex'));
  const got = await media.open(stored.id);
  assert.ok(got);
  assert.equal(got.contentType, 'image/png');
  assert.equal(got.filename, 'café.png');
  assert.equal(got.accountId, 7);
  assert.deepEqual(await buffer(got.stream), bytes);
});

test('a file one byte over its limit is refused and leaves no file behind', async () => {
  const before = filesOnDisk().length;
  await assert.rejects(
    media.put(Readable.from([randomBytes(600), randomBytes(401)]), {
      contentType: 'image/png',
      accountId: 8,
      maxBytes: 1000,
    }),
    (e) => e instanceof SmsError && e.code === 'SMS_ERR_TOO_LARGE',
  );
  assert.equal(filesOnDisk().length, before);
  assert.equal(await media.usage(8), 0);
});

test("an account's usage is the sum of its files, and a purge deletes only its own", async () => {
  const put = (accountId: number, n: number) =>
    media.put(Readable.from([randomBytes(n)]), { contentType: 'text/plain', accountId, maxBytes: 1e6 });
  const a = await put(21, 100);
  await put(21, 50);
  const other = await put(22, 10);
  assert.equal(await media.usage(21), 150);
  assert.equal(await media.deleteOwnedBy(21), 2);
  assert.equal(await media.usage(21), 0);
  assert.equal(await media.open(a.id), null);
  const kept = await media.open(other.id);
  assert.ok(kept);
  kept.stream.destroy();
  assert.equal(filesOnDisk().includes(a.id), false);
});

test('the retention sweep deletes files stored before its cut-off, and no others', async () => {
  now = 1_900_000_000_000;
  const old = await media.put(Readable.from([Buffer.from('old')]), {
    contentType: 'text/plain',
    maxBytes: 10,
  });
  now += 1000;
  const young = await media.put(Readable.from([Buffer.from('new')]), {
    contentType: 'text/plain',
    maxBytes: 10,
  });
  await media.sweep(now);
  assert.equal(await media.open(old.id), null);
  assert.equal(filesOnDisk().includes(old.id), false);
  const kept = await media.open(young.id);
  assert.ok(kept);
  assert.equal((await buffer(kept.stream)).toString(), 'new');
});

test('an unknown or malformed id opens as nothing and deletes as nothing', async () => {
  assert.equal(await media.open('AAAAAAAAAAAAAAAAAAAAAA'), null);
  assert.equal(await media.open('../../textbridge.db'), null);
  assert.equal(await media.delete('../../textbridge.db'), false);
});

test('files without a row, and temporary files of unfinished puts, are swept once older than the grace period', async () => {
  const kept = await media.put(Readable.from([Buffer.from('kept')]), {
    contentType: 'text/plain',
    maxBytes: 100,
  });
  const orphan = await media.put(Readable.from([Buffer.from('orphan')]), {
    contentType: 'text/plain',
    maxBytes: 100,
  });
  // A crash between a delete's two steps: the row went, the file stayed; and a put cut off mid-write.
  await db.kysely.deleteFrom('media').where('id', '=', orphan.id).execute();
  writeFileSync(path.join(dir, kept.id.slice(0, 2), `${kept.id}x.123.tmp`), 'partial');
  const orphans = media as MediaStore & MediaOrphans;
  assert.equal(await orphans.sweepOrphans(Date.now() - 60_000), 0, 'younger than the grace period');
  assert.equal(await orphans.sweepOrphans(Date.now() + 1_000), 2);
  assert.deepEqual(
    filesOnDisk().filter((f) => f.includes(kept.id) || f.includes(orphan.id)),
    [kept.id],
  );
  assert.ok(await media.open(kept.id));
});
