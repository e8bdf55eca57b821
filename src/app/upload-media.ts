/**
 * The app's media upload service and the downloads of what it stored. The app's file uploads can be
 * pointed here (the `genericMediaUpload…` web service, https://doc.acrobits.net/api/client/intro.html),
 * so the media never leaves the provider's servers; the answer carries the signed `content-url` the app
 * puts in its file-transfer message (https://doc.acrobits.net/api/client/x-acro-filetransfer.html).
 */
import type { Readable } from 'node:stream';
import { notFound, tooLarge, unsupportedType } from '../errors.js';
import type { Authenticate, Credentials } from './authenticate.js';
import type { MediaStore, OpenMedia, RangeRequest } from './media.js';
import type { MediaSigner } from './media-urls.js';
import type { Clock } from './ports.js';

export interface MediaOptions {
  maxFileBytes: number;
  /** Bytes one account may hold; 0 = no quota. */
  quotaBytes: number;
  urlTtlSec: number;
  /** `type/subtype` or `type/*`, lower case. */
  allowedTypes: readonly string[];
}

/** One upload as the HTTP edge reads it: the body as a stream, never buffered whole. */
export interface Upload {
  stream: Readable;
  /** As sent; parameters and case do not matter. Absent = `application/octet-stream`. */
  contentType: string | undefined;
  filename: string | undefined;
  /** The request's Content-Length, when it declared one: refused before reading when too large. */
  declaredBytes: number | undefined;
  /** Base of the URL handed back (scheme, host, optional path). */
  base: string;
}

/** What the app puts in its file-transfer attachment. */
export interface Uploaded {
  url: string;
  size: number;
  contentType: string;
  filename: string | undefined;
}

export type UploadMedia = (c: Credentials, upload: Upload) => Promise<Uploaded>;
export type DownloadMedia = (
  id: string,
  exp: string | undefined,
  sig: string | undefined,
  /** One byte range of the file, when the request asked for one. */
  range?: RangeRequest,
) => Promise<OpenMedia>;

/** `image/png; charset=x` → `image/png`. */
export function baseType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
}

/** Is `type` one of `allowed` (exact, or its family `image/*`)? */
export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  const family = `${type.split('/')[0]}/*`;
  return allowed.some((a) => {
    const t = a.toLowerCase();
    return t === type || t === family;
  });
}

export function makeUploadMedia(deps: {
  authenticate: Authenticate;
  media: MediaStore;
  signer: MediaSigner;
  clock: Clock;
  options: MediaOptions;
}): UploadMedia {
  const { options: o } = deps;
  const mib = (n: number) => `${Math.floor(n / (1024 * 1024))} MiB`;
  const fileMessage = `File is too large: at most ${mib(o.maxFileBytes)} per file`;
  const quotaMessage = `Media quota exceeded: at most ${mib(o.quotaBytes)} per account; delete older files or ask the provider`;
  return async (c, u) => {
    const account = await deps.authenticate(c);
    const contentType = baseType(u.contentType);
    if (!typeAllowed(contentType, o.allowedTypes)) {
      throw unsupportedType(`Files of type ${contentType} are not accepted`);
    }
    if (u.declaredBytes !== undefined && u.declaredBytes > o.maxFileBytes) throw tooLarge(fileMessage);
    const room = o.quotaBytes > 0 ? o.quotaBytes - (await deps.media.usage(account.id)) : Infinity;
    if (room <= 0 || (u.declaredBytes !== undefined && u.declaredBytes > room)) throw tooLarge(quotaMessage);
    const byQuota = room < o.maxFileBytes;
    const stored = await deps.media.put(u.stream, {
      contentType,
      accountId: account.id,
      ...(u.filename ? { filename: u.filename } : {}),
      maxBytes: byQuota ? room : o.maxFileBytes,
      tooLargeMessage: byQuota ? quotaMessage : fileMessage,
    });
    return {
      url: deps.signer.url(u.base, stored.id, deps.clock.now(), o.urlTtlSec),
      size: stored.size,
      contentType,
      filename: u.filename,
    };
  };
}

/** A download by signed URL: forged → 403, expired → 410 (before the id is even looked up), unknown → 404. */
export function makeDownloadMedia(deps: {
  media: MediaStore;
  signer: MediaSigner;
  clock: Clock;
}): DownloadMedia {
  return async (id, exp, sig, range) => {
    deps.signer.verify(id, exp, sig, deps.clock.now());
    const file = await deps.media.open(id, range);
    if (!file) throw notFound('No such media: it was deleted or never existed');
    return file;
  };
}
