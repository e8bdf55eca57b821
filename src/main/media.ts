/**
 * The media store wired: the filesystem store under `<dataDir>/media`, the URL signer (its secret from
 * `media.secret`, else generated once and kept in the database so every instance signs alike), the
 * upload and download use-cases, and the retention sweep (at start, then every `media.sweepIntervalSec`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Authenticate } from '../app/authenticate.js';
import type { MediaOrphans, MediaStore } from '../app/media.js';
import { type MediaSigner, makeMediaSigner } from '../app/media-urls.js';
import { makeMmsPrepare } from '../app/mms-prepare.js';
import { type MmsSend, makeMmsSend } from '../app/mms-send.js';
import type { Clock } from '../app/ports.js';
import { makeDownloadMedia, makeUploadMedia } from '../app/upload-media.js';
import { makeFetchMedia } from '../carriers/http/fetch-media.js';
import type { Config } from '../config/index.js';
import type { MediaHandlers } from '../http/media.routes.js';
import { makeFsMediaStore } from '../store/adapters/media-fs.js';
import { makeS3MediaStore } from '../store/adapters/media-s3.js';
import type { Db } from '../store/engine/db.js';
import { makeS3Client } from '../store/s3/client.js';
import { settingOrInsert } from '../store/sql/media.js';

const DAY_MS = 86_400_000;

/** The media store of this configuration and database: the data dir's folder, or the S3 bucket. */
export function openMediaStore(config: Config, db: Db, clock: Clock): MediaStore & MediaOrphans {
  const s3 = config.media.s3;
  if (config.media.store === 's3' && s3) {
    return makeS3MediaStore(db, makeS3Client({ ...s3 }), s3.prefix, clock);
  }
  return makeFsMediaStore(db, path.join(config.dataDir, 'media'), clock);
}

/** Base of the media URLs handed out: `media.publicUrl`, else `server.publicUrl` (empty: neither set). */
export const mediaBase = (config: Config): string => config.media.publicUrl || config.server.publicUrl;

/** The URL signer: `media.secret`, else the secret generated once and kept in the database. */
export async function mediaSigner(config: Config, db: Db): Promise<MediaSigner> {
  const secret =
    config.media.secret ||
    (await settingOrInsert(db.kysely, 'media.secret', randomBytes(32).toString('base64url')));
  return makeMediaSigner(secret);
}

/** The HTTP handlers for `/media/…`. */
export async function composeMedia(
  config: Config,
  db: Db,
  media: MediaStore,
  authenticate: Authenticate,
  clock: Clock,
): Promise<MediaHandlers> {
  const signer = await mediaSigner(config, db);
  const m = config.media;
  return {
    publicUrl: mediaBase(config),
    uploadMedia: makeUploadMedia({
      authenticate,
      media,
      signer,
      clock,
      options: {
        maxFileBytes: m.maxFileBytes,
        quotaBytes: m.quotaBytes,
        urlTtlSec: m.urlTtlSec,
        allowedTypes: m.allowedTypes.map((t) => t.toLowerCase()),
      },
    }),
    downloadMedia: makeDownloadMedia({ media, signer, clock }),
  };
}

/**
 * Picture messages to carriers: attachments fetched on the carriers' HTTP client into this data dir's
 * media store, offered by signed URL under `media.publicUrl` (else `server.publicUrl`). Undefined when
 * neither is set: no carrier or phone could reach the files, so a file transfer goes as text as before.
 */
export async function composeMmsSend(
  config: Config,
  db: Db,
  clock: Clock,
): Promise<{ mms: MmsSend; close(): Promise<void> } | undefined> {
  const m = config.media;
  const base = mediaBase(config);
  if (!base) return undefined;
  const fetcher = makeFetchMedia();
  const prepare = makeMmsPrepare({
    media: openMediaStore(config, db, clock),
    fetch: fetcher.fetch,
    options: {
      maxFileBytes: m.maxFileBytes,
      fetchTimeoutMs: m.fetchTimeoutMs,
      allowedTypes: m.allowedTypes.map((t) => t.toLowerCase()),
    },
  });
  const mms = makeMmsSend({
    prepare,
    signer: await mediaSigner(config, db),
    clock,
    options: { base, mmsUrlTtlSec: m.mmsUrlTtlSec, linkTtlSec: m.urlTtlSec, fallback: m.mmsFallback },
  });
  return { mms, close: fetcher.close };
}

/**
 * Delete media older than `media.retentionDays`, at once and then every `media.sweepIntervalSec`;
 * `stop()` waits for a sweep under way. Several instances sweeping at once is harmless: each
 * deletion is a row delete and an unlink, both idempotent.
 */
export function startMediaSweep(
  config: Config,
  media: MediaStore & MediaOrphans,
  clock: Clock,
  logger: Logger,
) {
  const days = config.media.retentionDays;
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = running.then(async () => {
      try {
        if (days > 0) {
          const n = await media.sweep(clock.now() - days * DAY_MS);
          if (n > 0) logger.info({ deleted: n, retentionDays: days }, 'media retention sweep');
        }
        // Files without a row are of no use whatever the retention: removed past a grace period.
        const orphans = await media.sweepOrphans(clock.now() - config.media.orphanGraceSec * 1000);
        if (orphans > 0) logger.info({ deleted: orphans }, 'media orphans removed');
      } catch (err) {
        logger.warn({ err }, 'media retention sweep failed; next try at the next interval');
      }
    });
  };
  sweep();
  const timer = setInterval(sweep, config.media.sweepIntervalSec * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
