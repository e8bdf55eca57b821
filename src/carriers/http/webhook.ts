/**
 * Helpers for the carrier webhook parsers. Parsers are pure: no framework, no storage; what they take
 * and give is declared by the use-case that calls them (`app/receive-webhook.ts`), which stores
 * nothing for `{ok: false}`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookResult } from '../../app/receive-webhook.js';

export type { WebhookRequest, WebhookResult } from '../../app/receive-webhook.js';

/** Shorthand for a refused call. */
export const reject = (reason: string): WebhookResult => ({ ok: false, reason });
/** Shorthand for a signed call whose payload is not of the shape its carrier documents (400). */
export const malformed = (reason: string): WebhookResult => ({ ok: false, reason, malformed: true });
/** Shorthand for a call we accept but have nothing to store for. */
export const ignored = (note: string): WebhookResult => ({ ok: true, kind: 'ignored', note });

/** First value of a header, by lower-case name. */
export function headerValue(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Constant-time string comparison. Both sides are hashed first so neither their contents nor their
 * lengths leak through timing (timingSafeEqual itself throws on unequal lengths).
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * The call's fields: the URL query, then the body (form, or a flat JSON object) over it. Carriers
 * such as Vonage send the same fields by GET query, POST form or POST JSON depending on settings.
 */
export function requestFields(req: WebhookRequest): Record<string, string> {
  if (req.fields) return req.fields;
  const out: Record<string, string> = {};
  const q = req.url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) out[k] = v;
  const text = req.rawBody.toString('utf8');
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      const json = JSON.parse(t) as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      }
    } catch {
      // Not JSON after all: no body fields.
    }
  } else if (t !== '') {
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  }
  return out;
}

/**
 * Carriers that drop the `+` (Vonage `msisdn`) give bare digits: add it back for full numbers.
 * Short codes (up to 6 digits) and alphanumeric senders stay as they are.
 */
export function plusDigits(s: string): string {
  return /^\d{7,15}$/.test(s) ? `+${s}` : s;
}
