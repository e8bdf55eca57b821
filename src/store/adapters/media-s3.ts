/**
 * The media store on an S3-compatible bucket (`media.store: "s3"`), so several instances share the
 * files; metadata in the same `media` table as the filesystem store (migration 0014). Each file is the
 * object `<prefix><id>`.
 *
 * A `put` reads the stream in parts of `PART_BYTES`, counting and hashing: a file that fits one part is
 * one PutObject, a larger one a multipart upload whose parts are sent one at a time as they fill (memory
 * per upload: one part). Past its limit, or on any failure, the multipart upload is aborted and nothing
 * is kept. S3 answers a PutObject or a CompleteMultipartUpload only once the object is durable
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DataDurability.html); the row is written after,
 * so once `put` resolves both are durable. Deleting removes the row first, then the object, as on the
 * filesystem; an object left without a row by a crash is removed by `sweepOrphans`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
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
import type { S3Client } from '../s3/client.js';
import { insertMedia, mediaById } from '../sql/media.js';
import { MEDIA_ID as ID, rowDeletes } from './media-rows.js';

/** Size of each part of a multipart upload (S3's minimum is 5 MiB for all but the last). */
export const PART_BYTES = 8 * 1024 * 1024;

export function makeS3MediaStore(
  db: Db,
  s3: S3Client,
  prefix: string,
  clock: Clock,
): MediaStore & MediaOrphans {
  const keyOf = (id: string) => `${prefix}${id}`;

  const rows = rowDeletes(db, async (id) => {
    await s3.delete(keyOf(id));
  });

  /** Upload `stream` as `key`; its size and hash. Nothing is left behind when it fails. */
  async function upload(key: string, stream: Readable, meta: MediaPut) {
    const hash = createHash('sha256');
    let size = 0;
    let chunks: Buffer[] = [];
    let buffered = 0;
    let uploadId: string | undefined;
    const etags: string[] = [];
    const flush = async () => {
      uploadId ??= await s3.createMultipart(key);
      etags.push(await s3.uploadPart(key, uploadId, etags.length + 1, Buffer.concat(chunks, buffered)));
      chunks = [];
      buffered = 0;
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > meta.maxBytes) throw tooLarge(meta.tooLargeMessage ?? 'File is too large');
        hash.update(chunk);
        chunks.push(chunk);
        buffered += chunk.length;
        if (buffered >= PART_BYTES) await flush();
      }
      if (uploadId === undefined) await s3.put(key, Buffer.concat(chunks, buffered));
      else {
        if (buffered > 0) await flush();
        await s3.completeMultipart(key, uploadId, etags);
      }
    } catch (e) {
      stream.destroy();
      if (uploadId !== undefined) await s3.abortMultipart(key, uploadId).catch(() => {});
      throw e;
    }
    return { size, sha256: hash.digest('hex') };
  }

  return {
    async put(stream: Readable, meta: MediaPut): Promise<StoredMedia> {
      const id = randomBytes(16).toString('base64url');
      const { size, sha256 } = await upload(keyOf(id), stream, meta);
      try {
        await insertMedia(db.kysely, {
          id,
          size,
          sha256,
          contentType: meta.contentType,
          accountId: meta.accountId ?? null,
          filename: meta.filename ?? null,
          createdAt: clock.now(),
        });
      } catch (e) {
        await s3.delete(keyOf(id)).catch(() => {});
        throw e;
      }
      return { id, size, sha256 };
    },

    async open(id, asked) {
      if (!ID.test(id)) return null;
      const info = await mediaById(db.kysely, id);
      if (!info) return null;
      if (!asked) {
        const stream = await s3.get(keyOf(id));
        return stream && { ...info, stream };
      }
      const range = resolveRange(asked, info.size);
      if (!range) return { ...info, range, stream: Readable.from([]) };
      const stream = await s3.get(keyOf(id), range);
      return stream && { ...info, range, stream };
    },

    ...rows,

    async sweepOrphans(olderThan) {
      let n = 0;
      let token: string | undefined;
      do {
        const page = await s3.list(prefix, token);
        for (const o of page.objects) {
          const id = o.key.slice(prefix.length);
          if (!ID.test(id) || !(o.modified < olderThan)) continue;
          if (await mediaById(db.kysely, id)) continue;
          await s3.delete(o.key);
          n++;
        }
        token = page.next;
      } while (token);
      return n;
    },
  };
}
