/**
 * The last inbound carrier webhooks that were refused or ignored (a bad signature, an unknown carrier,
 * a payload not understood, a number no account holds, a call the carrier's parser read as nothing of
 * ours), kept in a bounded table so that "the carrier says it posted but nothing arrived" has an answer
 * (`GET /admin/v1/webhooks/refused`). Each keeps the start of the call, masked.
 */
import { maskCredentials, shortText } from '../domain/redact.js';
import type { Clock, Log } from './ports.js';
import type { ReceiveWebhook, WebhookRequest } from './receive-webhook.js';

export interface RefusedWebhook {
  carrier: string;
  /** Epoch ms. */
  at: number;
  reason: string;
  /** The method, path and body, masked and at most EXCERPT_CHARS characters. */
  excerpt: string;
}

/** The bounded table. */
export interface RefusedWebhookLog {
  /** Keep this one, and only the newest `keep` of all. */
  record(w: RefusedWebhook, keep: number): Promise<void>;
  /** The newest first. */
  recent(limit: number): Promise<RefusedWebhook[]>;
}

/** How many are kept. */
export const REFUSED_KEPT = 1000;
export const EXCERPT_CHARS = 200;

/**
 * The start of a call, credentials masked, on one line. A NUL is shown as U+FFFD: PostgreSQL text cannot
 * hold it, and a forged call that carries one must still be recorded.
 */
export function excerptOf(req: WebhookRequest): string {
  const path = req.url.replace(/^[a-z]+:\/\/[^/]+/i, '');
  return shortText(
    maskCredentials(`${req.method} ${path} ${req.rawBody.toString('utf8', 0, 4096)}`),
    EXCERPT_CHARS,
  ).replaceAll('\u0000', '\ufffd');
}

/**
 * `receive`, with every call it refuses or ignores written to `table`. Writing is best effort: a store
 * that fails here is logged, and the carrier still gets the answer the call deserves.
 */
export function recordingRefusals(
  receive: ReceiveWebhook,
  table: RefusedWebhookLog,
  clock: Clock,
  log: Log,
): ReceiveWebhook {
  return async (carrier, req) => {
    const out = await receive(carrier, req);
    const reason =
      out.kind === 'unknown-carrier'
        ? 'unknown carrier'
        : out.kind === 'refused'
          ? `signature: ${out.reason}`
          : out.kind === 'malformed'
            ? `not understood: ${out.reason}`
            : out.kind === 'unknown-number'
              ? 'no account holds the number'
              : out.ignored !== undefined
                ? `ignored: ${out.ignored}`
                : undefined;
    if (reason !== undefined) {
      const w = {
        // The name comes from the URL: an unknown one may carry anything, a NUL included.
        carrier: carrier.slice(0, 100).replaceAll('\u0000', '\ufffd'),
        at: clock.now(),
        reason: shortText(reason, 200).replaceAll('\u0000', '\ufffd'),
        excerpt: excerptOf(req),
      };
      await table
        .record(w, REFUSED_KEPT)
        .catch((err: unknown) => log.error({ err, carrier }, 'refused webhook not recorded'));
    }
    return out;
  };
}
