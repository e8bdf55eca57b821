/**
 * The media store port: files (pictures, videos, documents) kept by textbridge for picture messages and
 * the app's upload service. Narrow on purpose, so an S3-compatible adapter can implement it as well as
 * the filesystem one (store/adapters/media-fs.ts): streams in and out, never a whole file in memory.
 *
 * Glossary: a *media id* is random and unguessable (128 bits, base64url); *usage* is the bytes an
 * account holds; the *limit* of a `put` is the most bytes it accepts before it refuses the file.
 */
import type { Readable } from 'node:stream';

/** What `put` is told about a file besides its bytes. */
export interface MediaPut {
  contentType: string;
  /** The owner, for quotas and `deleteOwnedBy`; absent = nobody's (inbound carrier media). */
  accountId?: number;
  /** The original name of a named document, for `Content-Disposition`. */
  filename?: string;
  /**
   * Most bytes accepted: past it the store stops reading, deletes what it wrote and rejects with
   * `SMS_ERR_TOO_LARGE` (`tooLargeMessage` as its message). Nothing is half-stored.
   */
  maxBytes: number;
  tooLargeMessage?: string;
}

/** A stored file, as `put` acknowledges it (durable: file and metadata on stable storage). */
export interface StoredMedia {
  id: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

/** A stored file's metadata. */
export interface MediaInfo extends StoredMedia {
  contentType: string;
  accountId: number | null;
  filename: string | null;
  createdAt: number;
}

/** One byte range as a client asks for it (RFC 9110 section 14.1.2): `first-last`, `first-` or `-suffix`. */
export type RangeRequest = { first: number; last?: number } | { suffix: number };

/** Bytes `start` to `end`, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The bytes of a file of `size` that `r` asks for; null when none of them exist (answered 416). */
export function resolveRange(r: RangeRequest, size: number): ByteRange | null {
  if ('suffix' in r)
    return r.suffix > 0 && size > 0 ? { start: Math.max(0, size - r.suffix), end: size - 1 } : null;
  if (r.first >= size || (r.last !== undefined && r.last < r.first)) return null;
  return { start: r.first, end: Math.min(r.last ?? size - 1, size - 1) };
}

/**
 * An open file: read `stream` to the end, or destroy it. With a range asked for, `range` is the part
 * `stream` holds, or null when the range is unsatisfiable (then `stream` is empty).
 */
export interface OpenMedia extends MediaInfo {
  stream: Readable;
  range?: ByteRange | null;
}

export interface MediaStore {
  /** Store a stream; resolves once file and metadata are durable. */
  put(stream: Readable, meta: MediaPut): Promise<StoredMedia>;
  /** The file (or the part `range` asks for) and its metadata, or null for an unknown id. */
  open(id: string, range?: RangeRequest): Promise<OpenMedia | null>;
  /** Delete one file; false when it was unknown. */
  delete(id: string): Promise<boolean>;
  /** Delete every file an account owns (`account remove --purge`); how many. */
  deleteOwnedBy(accountId: number): Promise<number>;
  /** Delete every file stored before `olderThan` (epoch ms): the retention sweep; how many. */
  sweep(olderThan: number): Promise<number>;
  /** Bytes an account holds, for its quota. */
  usage(accountId: number): Promise<number>;
}

/**
 * Files a store holds without a metadata row: left by a crash between a delete's two steps (row, then
 * file) or by a `put` interrupted between its file and its row. No URL reaches them; the retention
 * sweep removes them once older than a grace period (so a `put` under way is never taken for one).
 */
export interface MediaOrphans {
  /** Delete files without a row written before `olderThan` (epoch ms); how many. */
  sweepOrphans(olderThan: number): Promise<number>;
}
