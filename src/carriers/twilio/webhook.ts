/**
 * Twilio Messaging webhooks: inbound SMS and status callbacks, signed with `X-Twilio-Signature` =
 * base64(HMAC-SHA1(authToken, fullUrl + each POST param name+value, sorted by name)).
 * Source: https://www.twilio.com/docs/usage/webhooks/webhooks-security
 * The check accepts what twilio-node's `validateRequest` and `validateRequestWithBody` accept
 * (https://github.com/twilio/twilio-node/blob/main/src/webhooks/webhooks.ts): the URL as given with
 * the default port (443/80) added and removed, a repeated name's values deduplicated and sorted, and a
 * body whose URL carries `bodySHA256` (JSON) signed as the URL alone plus that hex SHA-256 of the body.
 * Not handled: Webhook Rules' HMAC-SHA256 shared keys.
 */
import { createHash, createHmac } from 'node:crypto';
import type { DeliveryReceipt, InboundMedia } from '../../app/ports.js';
import {
  headerValue,
  ignored,
  reject,
  safeEqual,
  type WebhookRequest,
  type WebhookResult,
} from '../http/webhook.js';

/** Twilio webhook settings. `authToken` is a secret. */
export interface TwilioWebhookConfig {
  carrier?: string;
  authToken: string;
}

/** The signature Twilio would send for this URL and form parameters. */
export function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): string {
  // Names sorted; a repeated name's values deduplicated and sorted, as twilio-node does.
  const byName = new Map<string, Set<string>>();
  for (const [k, v] of params) {
    const values = byName.get(k) ?? new Set<string>();
    byName.set(k, values.add(v));
  }
  let data = url;
  for (const k of [...byName.keys()].sort()) for (const v of [...byName.get(k)!].sort()) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL Twilio may have signed: as given, with the scheme's default port, and without any port. */
function signedUrls(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [url];
  }
  const withoutPort = new URL(u.href);
  withoutPort.port = '';
  const out = new Set([url, u.href, withoutPort.href]);
  if (!u.port) {
    const port = u.protocol === 'https:' ? ':443' : ':80';
    const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
    out.add(`${u.protocol}//${auth}${u.host}${port}${u.pathname}${u.search}${u.hash}`);
  }
  return [...out];
}

/** Whether `given` is Twilio's signature of this call; the fields are what it covers. */
function verify(
  authToken: string,
  req: WebhookRequest,
  given: string,
): { ok: true; fields: Record<string, string> } | { ok: false; reason: string } {
  const post = req.method.toUpperCase() === 'POST';
  const q = req.url.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? req.url.slice(q + 1) : '');
  const bodyHash = query.get('bodySHA256');
  let entries: Array<[string, string]>;
  let fields: Record<string, string>;
  if (bodyHash !== null) {
    // The URL (with the hash) is signed alone; the body is covered by its hash.
    const hash = createHash('sha256').update(req.rawBody).digest('hex');
    if (!safeEqual(hash, bodyHash)) return { ok: false, reason: 'bad bodySHA256' };
    entries = [];
    fields = post ? jsonFields(req.rawBody) : {};
  } else {
    // GET callbacks carry their params in the URL, which is signed as-is; POST adds the form fields.
    entries = post ? [...new URLSearchParams(req.rawBody.toString('utf8'))] : [];
    fields = Object.fromEntries(post ? entries : query);
  }
  const ok = signedUrls(req.url).some((url) => safeEqual(twilioSignature(authToken, url, entries), given));
  return ok ? { ok: true, fields } : { ok: false, reason: 'bad X-Twilio-Signature' };
}

/** The top-level text and number fields of a JSON body (none when it is not a JSON object). */
function jsonFields(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      for (const [k, v] of Object.entries(json)) {
        if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
      }
    }
  } catch {
    // Not JSON: no fields, so the call is ignored.
  }
  return out;
}

/** Statuses that end a message's life (message resource doc, "Message Status values"). */
const FINAL: Record<string, DeliveryReceipt['status']> = {
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/** Build the parser for one Twilio account. */
export function makeTwilioWebhook(cfg: TwilioWebhookConfig): (req: WebhookRequest) => WebhookResult {
  const carrier = cfg.carrier ?? 'twilio';
  return (req) => {
    const given = headerValue(req, 'x-twilio-signature');
    if (!given) return reject('missing X-Twilio-Signature');
    const checked = verify(cfg.authToken, req, given);
    if (!checked.ok) return reject(checked.reason);
    const f = checked.fields;
    const sid = f['MessageSid'] ?? f['SmsSid'] ?? '';
    const status = f['MessageStatus'] ?? f['SmsStatus'] ?? '';
    if (status !== '' && status !== 'received') {
      const final = FINAL[status];
      if (!final) return ignored(`status ${status}`);
      const receipt: DeliveryReceipt = { carrier, carrierRef: sid, status: final };
      if (final === 'failed') receipt.error = f['ErrorCode'] ? `Twilio error ${f['ErrorCode']}` : status;
      return { ok: true, kind: 'receipt', receipt };
    }
    if (!f['From'] || !f['To'] || !sid) return ignored('not a message event');
    // MMS: `MediaUrl<n>` and `MediaContentType<n>`, n < NumMedia (at most 10):
    // https://www.twilio.com/docs/messaging/guides/webhook-request
    const media: InboundMedia[] = [];
    const numMedia = Number(f['NumMedia'] ?? '0');
    for (let i = 0; i < numMedia && i < 10; i++) {
      const url = f[`MediaUrl${i}`];
      const contentType = f[`MediaContentType${i}`];
      if (url) media.push(contentType ? { url, contentType } : { url });
    }
    const sms = { carrier, carrierRef: sid, from: f['From'], to: f['To'], body: f['Body'] ?? '' };
    return media.length > 0 ? { ok: true, kind: 'inbound', sms, media } : { ok: true, kind: 'inbound', sms };
  };
}
