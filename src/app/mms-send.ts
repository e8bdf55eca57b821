/**
 * A picture message to an off-net number: the file transfer's attachments are prepared (downloaded,
 * decrypted, checked and stored: `mms-prepare.ts`) once per attempt, then each carrier tried gets what
 * it can send:
 *
 * - a carrier with `mms`: the caption as text and each file as a signed URL it fetches (valid
 *   `mmsUrlTtlSec`);
 * - another, with `fallback: 'link'`: one SMS text, the caption then one link per file, which the
 *   recipient opens in a browser (the decrypted file, valid `linkTtlSec`);
 * - another, with `fallback: 'refuse'`: nothing; when no carrier of the route can send MMS the message
 *   fails with `PICTURES_REFUSED`.
 *
 * The file-transfer format: https://doc.acrobits.net/api/client/x-acro-filetransfer.html.
 */
import { parseFileTransfer } from '../domain/file-transfer.js';
import { CONTENT_TYPE_FILE_TRANSFER, type Message } from '../domain/message.js';
import { rejected, type SmsError } from '../errors.js';
import type { MediaSigner } from './media-urls.js';
import { isAttachmentError, type MmsPrepare, type PreparedFile } from './mms-prepare.js';
import type { CarrierAdapter, Clock, OutboundSms } from './ports.js';

/** The reason a picture message fails when its route has no MMS carrier and the fallback is `refuse`. */
export const PICTURES_REFUSED = 'Picture messages cannot be sent to this number';

export interface MmsSendOptions {
  /** Scheme, host and optional path of the URLs handed out (`media.publicUrl`, else `server.publicUrl`). */
  base: string;
  /** Life of a URL given to an MMS carrier, seconds. */
  mmsUrlTtlSec: number;
  /** Life of a link sent as text to a phone, seconds. */
  linkTtlSec: number;
  fallback: 'link' | 'refuse';
}

/** A message's prepared files and how each carrier is to be given them. */
export interface PreparedMms {
  /** Whether `carrier` can be given this message (always, but with `refuse`, only an MMS carrier). */
  canSend(carrier: CarrierAdapter): boolean;
  /** What `carrier` is sent, built from the text message `sms` (its body replaced). */
  forCarrier(carrier: CarrierAdapter, sms: OutboundSms): OutboundSms;
  /** Delete the files again: the message was not sent. */
  discard(): Promise<void>;
}

export interface MmsSend {
  /**
   * Prepare `m` when it is a file transfer with attachments; undefined otherwise (it goes as text).
   * Throws the attachment's coded error (a refusal for good) or the store's (try again).
   */
  prepare(m: Message, signal: AbortSignal): Promise<PreparedMms | undefined>;
}

export function makeMmsSend(deps: {
  prepare: MmsPrepare;
  signer: MediaSigner;
  clock: Clock;
  options: MmsSendOptions;
}): MmsSend {
  const o = deps.options;
  const urls = (files: readonly PreparedFile[], ttlSec: number) =>
    files.map((f) => deps.signer.url(o.base, f.id, deps.clock.now(), ttlSec));
  return {
    async prepare(m, signal) {
      const doc = parseFileTransfer(m.body);
      if (!doc || doc.attachments.length === 0) return undefined;
      const files = await deps.prepare.prepare(doc.attachments, m.senderAccountId, signal);
      return {
        canSend: (c) => c.mms === true || o.fallback === 'link',
        forCarrier(c, sms) {
          if (c.mms) return { ...sms, body: doc.caption, mediaUrls: urls(files, o.mmsUrlTtlSec) };
          const body = [doc.caption, ...urls(files, o.linkTtlSec)].filter((s) => s !== '').join('\n');
          return { ...sms, body };
        },
        discard: () => deps.prepare.discard(files),
      };
    },
  };
}

/** What an attempt does with a message's media before it tries its carriers. */
export type MediaStep =
  /** No media (a text, or no MMS support wired): sent as text. */
  | { kind: 'text' }
  /** Prepared: try `carriers` (the route's, less those the fallback rules out). */
  | { kind: 'mms'; prepared: PreparedMms; carriers: readonly string[] }
  /** Refused for good: a bad attachment, or no carrier of the route may take pictures. */
  | { kind: 'refused'; error: SmsError }
  /** Our own store failed: try again later. */
  | { kind: 'retry'; reason: string };

/** The media step of one attempt of `m` over the route's `names`. */
export async function mediaStep(
  mms: MmsSend | undefined,
  m: Message,
  names: readonly string[],
  carriers: ReadonlyMap<string, CarrierAdapter>,
  signal: AbortSignal,
): Promise<MediaStep> {
  if (!mms || m.contentType !== CONTENT_TYPE_FILE_TRANSFER) return { kind: 'text' };
  let prepared: PreparedMms | undefined;
  try {
    prepared = await mms.prepare(m, signal);
  } catch (e) {
    // Stopping, or out of lease: not the attachment's fault, the job is handed back.
    if (signal.aborted) return { kind: 'retry', reason: 'aborted while preparing media' };
    if (isAttachmentError(e)) return { kind: 'refused', error: e };
    return { kind: 'retry', reason: `media store: ${(e as Error).message ?? String(e)}` };
  }
  if (!prepared) return { kind: 'text' };
  const p = prepared;
  const usable = names.filter((n) => {
    const c = carriers.get(n);
    return c !== undefined && p.canSend(c);
  });
  if (usable.length > 0) return { kind: 'mms', prepared: p, carriers: usable };
  await p.discard();
  return { kind: 'refused', error: rejected(PICTURES_REFUSED) };
}
