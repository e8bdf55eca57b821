/**
 * Inbound picture messages (carrier MMS): the webhook's message is held, with an `inbound-media` job, in
 * one transaction (the carrier is answered once both are durable); the job fetches each file from the
 * carrier with its credentials, streams it into the media store, makes a small preview of each picture,
 * and only then stores the message in the inbox as an Acrobits file transfer
 * (https://doc.acrobits.net/api/client/x-acro-filetransfer.html) whose attachments carry a signed
 * textbridge URL, `content-type`, `content-size`, `filename` and, for pictures, `preview`. The message
 * gets its inbox id when it is released, so no app cursor has passed it.
 *
 * A file that cannot be fetched is tried again after each of `retryDelaysMs`; after the last, the
 * message is delivered with what could be fetched, and its text gains a line saying how many
 * attachments could not be retrieved. A carrier's retry of the webhook, held or stored, is kept once.
 */
import type { Readable } from 'node:stream';
import { CONTENT_TYPE_FILE_TRANSFER, CONTENT_TYPE_TEXT } from '../domain/message.js';
import { countSegments } from '../domain/segments.js';
import { SmsError } from '../errors.js';
import type { InboxStore } from './inbound.js';
import type { MediaStore } from './media.js';
import type { MediaSigner } from './media-urls.js';
import type { Clock, InboundMedia, JobHandler, JobKind, Log, NewMessage, OutboxSignal } from './ports.js';

/** A message held until its media is fetched. */
export interface HeldMessage {
  id: number;
  key: string;
  message: NewMessage;
  media: InboundMedia[];
}

/** Where picture messages wait for their media (`store/adapters/inbound-media.ts`). */
export interface HeldInbox {
  /**
   * Hold `m` under `key` with an `inbound-media` job in one transaction, unless a message with `key`
   * is already held or stored (then `duplicate`); resolves once committed.
   */
  hold(
    m: NewMessage,
    key: string,
    media: readonly InboundMedia[],
  ): Promise<{ id?: number; duplicate: boolean }>;
  /** The held message, or undefined once released. */
  held(id: number): Promise<HeldMessage | undefined>;
  /** Forget a held message (after it was stored in the inbox). */
  forget(id: number): Promise<void>;
}

/** A fetched file: read `stream` to the end or destroy it. */
export type FetchedMedia =
  | { ok: true; stream: Readable; contentType?: string; size?: number }
  | { ok: false; retryable: boolean; reason: string };

/** Fetches a carrier's media with that carrier's credentials (`carriers/media/fetch.ts`). */
export interface MediaFetcher {
  /** Bounded by `maxBytes` (refused early when the answer says it is larger) and by its timeouts. */
  fetch(carrier: string, url: string, opts: { maxBytes: number; signal: AbortSignal }): Promise<FetchedMedia>;
}

/** A small preview of a picture, as the file-transfer format carries it; undefined when none can be made. */
export type MakePreview = (
  picture: Readable,
) => Promise<{ 'content-type': string; content: string } | undefined>;

export interface InboundMediaOptions {
  maxFileBytes: number;
  urlTtlSec: number;
  /** Base of the media URLs handed to the app. */
  publicUrl: string;
  /** Waits before each new attempt after a failure; after the last, the message goes without the file. */
  retryDelaysMs: readonly number[];
}

export interface InboundMediaDeps {
  held: HeldInbox;
  inbox: InboxStore;
  media: MediaStore;
  fetcher: MediaFetcher;
  /** Resolved on first use: the signer's secret may be read from the database. */
  signer: () => Promise<MediaSigner>;
  preview: MakePreview;
  /** Jobs for the released message (`['push']` when push is on). */
  jobs: readonly JobKind[];
  outbox: OutboxSignal;
  clock: Clock;
  log: Log;
  options: InboundMediaOptions;
}

/** One attachment as the app reads it. */
type Attachment = Record<string, unknown>;

/** The line added to a message's text for attachments that could not be retrieved. */
export const missingLine = (n: number): string =>
  n === 1 ? '[1 attachment could not be retrieved]' : `[${n} attachments could not be retrieved]`;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'text/plain': 'txt',
};

/** The type without parameters, lower case; undefined when empty. */
const bareType = (t: string | undefined): string | undefined => {
  const bare = t?.split(';')[0]?.trim().toLowerCase();
  return bare ? bare : undefined;
};

/** The URL's last path segment when it looks like a file name, else `attachment-<n>.<ext>`. */
export function filenameFor(url: string, contentType: string, n: number): string {
  let last = '';
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    // Not a URL we can read: a made-up name.
  }
  if (/^[^\\/:*?"<>|\0]{1,100}\.[A-Za-z0-9]{1,8}$/.test(last)) return last;
  return `attachment-${n}.${EXTENSIONS[contentType] ?? 'bin'}`;
}

export function makeInboundMediaHandler(d: InboundMediaDeps): JobHandler {
  const { options: o } = d;
  return async (job, signal) => {
    const h = await d.held.held(job.refId);
    if (!h) return { done: true };
    const now = d.clock.now();
    const attachments: Attachment[] = [];
    const stored: string[] = [];
    let missing = 0;
    let retryable: string | undefined;
    const last = job.attempts >= o.retryDelaysMs.length;
    for (const [i, m] of h.media.entries()) {
      const got = await d.fetcher.fetch(carrierOf(h.key), m.url, { maxBytes: o.maxFileBytes, signal });
      if (!got.ok) {
        d.log.warn({ heldId: h.id, attachment: i, reason: got.reason }, 'inbound media not fetched');
        if (got.retryable && !last) retryable ??= got.reason;
        missing++;
        continue;
      }
      const contentType = bareType(m.contentType) ?? bareType(got.contentType) ?? 'application/octet-stream';
      const filename = filenameFor(m.url, contentType, i + 1);
      try {
        // Owned by the recipient: `account remove --purge` deletes it; no quota refuses it.
        const owner = h.message.recipientAccountId;
        const put = await d.media.put(got.stream, {
          contentType,
          ...(owner === null ? {} : { accountId: owner }),
          filename,
          maxBytes: o.maxFileBytes,
        });
        stored.push(put.id);
        const signer = await d.signer();
        const a: Attachment = {
          'content-type': contentType,
          'content-url': signer.url(o.publicUrl, put.id, now, o.urlTtlSec),
          'content-size': put.size,
          filename,
        };
        if (contentType.startsWith('image/')) {
          const preview = await previewOf(d, put.id);
          if (preview) a['preview'] = preview;
        }
        attachments.push(a);
      } catch (err) {
        got.stream.destroy();
        const reason = err instanceof Error ? err.message : String(err);
        d.log.warn({ heldId: h.id, attachment: i, reason }, 'inbound media not stored');
        // Too large is for good; anything else (a dropped connection, the disk) may pass.
        const tooLarge = err instanceof SmsError && err.code === 'SMS_ERR_TOO_LARGE';
        if (!tooLarge && !last) retryable ??= reason;
        missing++;
      }
    }
    if (retryable !== undefined) {
      // Nothing half-kept: this attempt's files go, the next attempt fetches them all again.
      for (const id of stored) await d.media.delete(id);
      const wait = o.retryDelaysMs[job.attempts] ?? 60_000;
      return { done: false, retryAt: d.clock.now() + wait, error: retryable };
    }
    const r = await d.inbox.storeKeyed(release(h.message, attachments, missing), h.key, d.jobs, {
      received: true,
    });
    if (r.duplicate) for (const id of stored) await d.media.delete(id);
    await d.held.forget(h.id);
    if (!r.duplicate && d.jobs.length > 0) d.outbox.wake();
    d.log.info(
      { heldId: h.id, id: r.id, attachments: attachments.length, missing },
      'inbound media released',
    );
    return { done: true };
  };
}

/** The carrier name of an inbound key (`<carrier>|<carrier message id>`). */
const carrierOf = (key: string): string => key.slice(0, Math.max(0, key.indexOf('|')));

async function previewOf(d: InboundMediaDeps, id: string) {
  const file = await d.media.open(id);
  if (!file) return undefined;
  try {
    return await d.preview(file.stream);
  } catch {
    return undefined;
  } finally {
    file.stream.destroy();
  }
}

/** The held message as the app will fetch it: a file transfer, or its text alone when no file came. */
function release(m: NewMessage, attachments: readonly Attachment[], missing: number): NewMessage {
  const text = [m.body, ...(missing > 0 ? [missingLine(missing)] : [])].filter(Boolean).join('\n');
  if (attachments.length === 0) {
    return { ...m, body: text, contentType: CONTENT_TYPE_TEXT, segments: countSegments(text).segments };
  }
  return {
    ...m,
    body: JSON.stringify({ ...(text ? { body: text } : {}), attachments }),
    contentType: CONTENT_TYPE_FILE_TRANSFER,
    segments: 1,
  };
}
