/**
 * The media store on the filesystem: each file is `<dataDir>/media/<2 chars>/<id>`, its metadata a row
 * of the `media` table (migration 0014), so quotas and retention are queries and several processes on
 * one data dir agree. A `put` streams into a temporary name while counting and hashing, refuses past its
 * limit (the temporary file is deleted: nothing half-stored), fsyncs the file, renames it into place,
 * fsyncs the folder, and only then writes the row: once `put` resolves both are durable.
 *
 * Deleting removes the row first (the URL answers 404 at once), then the file; a crash between the two
 * leaves an unreferenced file behind, which no URL can reach: `sweepOrphans` removes such files, and
 * temporary files of interrupted puts, once older than its grace period.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type MediaOrphans,
  type MediaPut,
  type MediaStore,
  resolveRange,
  type StoredMedia,
} from '../../app/media.js';
import type { Clock } from '../../app/ports.js';
import { tooLarge } from '../../errors.js';
import type { Db } from '../engine/db.js';
import { insertMedia, mediaById } from '../sql/media.js';
import { MEDIA_ID as ID, rowDeletes } from './media-rows.js';

/** The media store under `dir` (`<dataDir>/media`) with metadata in `db`. */
export function makeFsMediaStore(db: Db, dir: string, clock: Clock): MediaStore & MediaOrphans {
  const fileOf = (id: string) => path.join(dir, id.slice(0, 2), id);

  const rows = rowDeletes(db, async (id) => {
    await rm(fileOf(id), { force: true });
  });

  return {
    async put(stream: Readable, meta: MediaPut): Promise<StoredMedia> {
      const id = randomBytes(16).toString('base64url');
      const final = fileOf(id);
      await mkdir(path.dirname(final), { recursive: true });
      const tmp = `${final}.${process.pid}.tmp`;
      const counter = new Counter(meta.maxBytes, meta.tooLargeMessage);
      try {
        await pipeline(stream, counter, createWriteStream(tmp, { flags: 'wx' }));
        // fsync through a second descriptor: it flushes the same file (POSIX fsync is per file).
        await syncFile(tmp);
      } catch (e) {
        await rm(tmp, { force: true });
        // Stop reading the source: the rest of an oversized upload is not wanted.
        stream.destroy();
        throw e;
      }
      try {
        await rename(tmp, final);
        await syncDir(path.dirname(final));
        const stored = { id, size: counter.size, sha256: counter.hash.digest('hex') };
        await insertMedia(db.kysely, {
          ...stored,
          contentType: meta.contentType,
          accountId: meta.accountId ?? null,
          filename: meta.filename ?? null,
          createdAt: clock.now(),
        });
        return stored;
      } catch (e) {
        await rm(tmp, { force: true });
        await rm(final, { force: true });
        throw e;
      }
    },

    async open(id, asked) {
      if (!ID.test(id)) return null;
      const info = await mediaById(db.kysely, id);
      if (!info) return null;
      // Opened before answering, so a file deleted meanwhile is a 404, not a broken body.
      const fh = await open(fileOf(id), 'r').catch(() => null);
      if (!fh) return null;
      if (!asked) return { ...info, stream: fh.createReadStream() };
      const range = resolveRange(asked, info.size);
      if (!range) {
        await fh.close();
        return { ...info, range, stream: Readable.from([]) };
      }
      return { ...info, range, stream: fh.createReadStream({ start: range.start, end: range.end }) };
    },

    ...rows,

    async sweepOrphans(olderThan) {
      let n = 0;
      const folders = await readdir(dir).catch(() => [] as string[]);
      for (const folder of folders) {
        const names = await readdir(path.join(dir, folder)).catch(() => [] as string[]);
        for (const name of names) {
          const file = path.join(dir, folder, name);
          const st = await stat(file).catch(() => null);
          if (!st?.isFile() || st.mtimeMs >= olderThan) continue;
          // A stored file whose row is gone, or the temporary file of a put that never finished.
          const orphan = ID.test(name) ? !(await mediaById(db.kysely, name)) : name.endsWith('.tmp');
          if (!orphan) continue;
          await rm(file, { force: true });
          n++;
        }
      }
      return n;
    },
  };
}

/** Counts and hashes what passes; past `max` bytes it fails the pipeline with SMS_ERR_TOO_LARGE. */
class Counter extends Transform {
  size = 0;
  readonly hash = createHash('sha256');
  constructor(
    private readonly max: number,
    private readonly message = 'File is too large',
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.max) {
      done(tooLarge(this.message));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** fsync a file by name. */
async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a folder, so a rename in it survives a power loss (POSIX; a no-op where unsupported). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync().catch(() => {});
  } finally {
    await fh.close();
  }
}
