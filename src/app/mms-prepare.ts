/**
 * Preparing a picture message for a carrier: each attachment of an Acrobits file transfer
 * (https://doc.acrobits.net/api/client/x-acro-filetransfer.html) is downloaded from its `content-url`
 * (bounded in size and time), decrypted when it has an `encryption-key`, checked against its `hash`
 * when it has one, and stored in textbridge's media store, all as one stream: a file is never held
 * whole in memory. Any failure deletes what this message stored so far and throws a coded error with
 * a short reason the phone can show; nothing is half-stored.
 *
 * The cipher is AES-CTR as the page says; the key's length picks AES-128, -192 or -256 (32, 48 or 64
 * hex digits). The page names no counter block: a zero one is used, as the open implementations that
 * decrypt these files do (CTR with a zero initial counter).
 *
 * The hash is the CRC-32 the page names. Its older wording takes it over the downloaded bytes, the newer
 * over the decrypted ones: both are computed while streaming and either one matching is accepted.
 */
import { createDecipheriv } from 'node:crypto';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import { type Attachment, crc32, crc32Matches } from '../domain/file-transfer.js';
import { mediaInvalid, mediaUnreachable, SmsError, tooLarge, unsupportedType } from '../errors.js';
import type { MediaStore } from './media.js';
import { baseType, typeAllowed } from './upload-media.js';

/**
 * A GET of an attachment's `content-url` (the carriers' undici client in `carriers/http/`): the body
 * as a stream, or a short reason (network trouble, a non-2xx status, the time ran out). `timeoutMs`
 * bounds the wait for the answer's headers and again for each pause in its body.
 */
export type FetchMedia = (
  url: string,
  opts: { timeoutMs: number; signal: AbortSignal },
) => Promise<{ ok: true; body: Readable; length?: number } | { ok: false; reason: string }>;

export interface MmsPrepareOptions {
  maxFileBytes: number;
  /** The whole download of one attachment, ms: past it the download is cut and the send refused. */
  fetchTimeoutMs: number;
  /** `type/subtype` or `type/*`, lower case (`media.allowedTypes`). */
  allowedTypes: readonly string[];
}

/** One attachment as stored here. */
export interface PreparedFile {
  id: string;
  size: number;
  contentType: string;
}

/** Prepares a message's attachments; `discard` deletes them again (the send failed for good). */
export interface MmsPrepare {
  prepare(
    attachments: readonly Attachment[],
    accountId: number | null,
    signal: AbortSignal,
  ): Promise<PreparedFile[]>;
  discard(files: readonly PreparedFile[]): Promise<void>;
}

/** Is this error one of an attachment's (a refusal for good), rather than trouble of our own store? */
export function isAttachmentError(e: unknown): e is SmsError {
  return (
    e instanceof SmsError &&
    [
      'SMS_ERR_MEDIA_UNREACHABLE',
      'SMS_ERR_MEDIA_INVALID',
      'SMS_ERR_TOO_LARGE',
      'SMS_ERR_UNSUPPORTED_TYPE',
    ].includes(e.code)
  );
}

const CIPHERS: Record<number, string> = { 32: 'aes-128-ctr', 48: 'aes-192-ctr', 64: 'aes-256-ctr' };

/** What the first bytes of a decrypted file of these types must be: a wrong key gives noise. */
const MAGIC: Record<string, readonly number[][]> = {
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47]],
  'image/gif': [[0x47, 0x49, 0x46, 0x38]],
  'application/pdf': [[0x25, 0x50, 0x44, 0x46]],
};

/** A pass-through that keeps the running CRC-32 of what went through. */
function crcTap(): Transform & { crc: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      t.crc = crc32(chunk, t.crc);
      done(null, chunk);
    },
  }) as Transform & { crc: number };
  t.crc = 0;
  return t;
}

/** A pass-through that fails when the first bytes are not one of `magic`. */
function magicCheck(magic: readonly number[][]): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  const need = Math.max(...magic.map((m) => m.length));
  const ok = () => magic.some((m) => m.every((b, i) => head[i] === b));
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!checked) {
        head = Buffer.concat([head, chunk]).subarray(0, need);
        if (head.length >= need) {
          checked = true;
          if (!ok()) return done(mediaInvalid('Attachment cannot be decrypted with its key'));
        }
      }
      done(null, chunk);
    },
    flush(done) {
      done(!checked && !ok() ? mediaInvalid('Attachment cannot be decrypted with its key') : null);
    },
  });
}

const mib = (n: number) => `${Math.floor(n / (1024 * 1024))} MiB`;

export function makeMmsPrepare(deps: {
  media: MediaStore;
  fetch: FetchMedia;
  options: MmsPrepareOptions;
}): MmsPrepare {
  const o = deps.options;
  const large = () => tooLarge(`Attachment is too large: at most ${mib(o.maxFileBytes)} per file`);

  async function one(a: Attachment, accountId: number | null, signal: AbortSignal): Promise<PreparedFile> {
    const contentType = baseType(a.contentType);
    if (!typeAllowed(contentType, o.allowedTypes)) {
      throw unsupportedType(`Files of type ${contentType} are not accepted`);
    }
    if (a.size !== undefined && a.size > o.maxFileBytes) throw large();
    const key = a.key?.trim();
    const cipher = key === undefined ? undefined : CIPHERS[key.length];
    if (key !== undefined && (!cipher || !/^[0-9a-f]+$/i.test(key))) {
      throw mediaInvalid('Attachment cannot be decrypted: its encryption key is not valid');
    }
    if (!/^https?:\/\//i.test(a.url)) throw mediaUnreachable('Attachment URL is not an http(s) URL');
    const got = await deps.fetch(a.url, { timeoutMs: o.fetchTimeoutMs, signal });
    if (!got.ok) throw mediaUnreachable(`Attachment could not be downloaded: ${got.reason}`);
    // CTR keeps the length: the download's length is the file's.
    if (got.length !== undefined && got.length > o.maxFileBytes) {
      got.body.destroy();
      throw large();
    }
    let failed: Error | undefined;
    // The download, not our own store's writes and fsyncs, is held to the time limit.
    const timer = setTimeout(() => {
      failed = mediaUnreachable('Attachment could not be downloaded: it took too long');
      got.body.destroy(failed);
    }, o.fetchTimeoutMs);
    got.body.once('end', () => clearTimeout(timer));
    const raw = crcTap();
    const plain = crcTap();
    const stages: NodeJS.ReadWriteStream[] = [raw];
    if (cipher && key) stages.push(createDecipheriv(cipher, Buffer.from(key, 'hex'), Buffer.alloc(16)));
    const magic = key ? MAGIC[contentType] : undefined;
    if (magic) stages.push(magicCheck(magic));
    stages.push(plain);
    const out = new PassThrough();
    // Heard before the store hears of it: a broken download is the attachment's fault, not the store's.
    got.body.once('error', () => {
      failed ??= mediaUnreachable('Attachment could not be downloaded: the download broke off');
    });
    pipeline([got.body, ...stages, out], () => {});
    let stored: Awaited<ReturnType<MediaStore['put']>>;
    try {
      stored = await deps.media.put(out, {
        contentType,
        ...(accountId === null ? {} : { accountId }),
        ...(a.filename ? { filename: a.filename } : {}),
        maxBytes: o.maxFileBytes,
        tooLargeMessage: large().message,
      });
    } catch (e) {
      got.body.destroy();
      if (failed) throw failed;
      // Too large while streaming, or a wrong key seen in the bytes, are the attachment's errors; any
      // other is our own store's trouble, and the send is retried.
      throw e;
    } finally {
      clearTimeout(timer);
    }
    const file = { id: stored.id, size: stored.size, contentType };
    if (
      failed ||
      (a.hash !== undefined && !crc32Matches(a.hash, plain.crc) && !crc32Matches(a.hash, raw.crc))
    ) {
      await deps.media.delete(stored.id);
      throw failed ?? mediaInvalid('Attachment does not match its hash: it was damaged or the key is wrong');
    }
    return file;
  }

  const discard = async (files: readonly PreparedFile[]) => {
    for (const f of files) await deps.media.delete(f.id);
  };

  return {
    async prepare(attachments, accountId, signal) {
      const files: PreparedFile[] = [];
      try {
        // One after another: a message's attachments are few, and memory stays one stream's buffers.
        for (const a of attachments) files.push(await one(a, accountId, signal));
      } catch (e) {
        await discard(files).catch(() => {});
        throw e;
      }
      return files;
    },
    discard,
  };
}
