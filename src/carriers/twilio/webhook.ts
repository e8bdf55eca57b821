/**
 * Twilio Messaging webhooks: inbound SMS and status callbacks, both form posts signed with
 * `X-Twilio-Signature` = base64(HMAC-SHA1(authToken, fullUrl + each POST param name+value, sorted by
 * name)). Source: https://www.twilio.com/docs/usage/webhooks/webhooks-security
 * Not handled: JSON bodies signed via `bodySHA256`, and Webhook Rules' HMAC-SHA256 shared keys.
 */
import { createHmac } from 'node:crypto';
import type { DeliveryReceipt } from '../../app/ports.js';
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
  // Sort by name; equal names keep value order sorted too, as twilio-node does for repeated keys.
  const sorted = [...params].sort(([ka, va], [kb, vb]) =>
    ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0,
  );
  let data = url;
  for (const [k, v] of sorted) data += k + v;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
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
    // GET callbacks carry their params in the URL, which is signed as-is; POST adds the form fields.
    const entries =
      req.method.toUpperCase() === 'POST' ? [...new URLSearchParams(req.rawBody.toString('utf8'))] : [];
    if (!safeEqual(twilioSignature(cfg.authToken, req.url, entries), given))
      return reject('bad X-Twilio-Signature');
    const f: Record<string, string> = Object.fromEntries(
      req.method.toUpperCase() === 'POST' ? entries : new URL(req.url).searchParams,
    );
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
    const media: string[] = [];
    const numMedia = Number(f['NumMedia'] ?? '0');
    for (let i = 0; i < numMedia && i < 10; i++) {
      const u = f[`MediaUrl${i}`];
      if (u) media.push(u);
    }
    const sms = { carrier, carrierRef: sid, from: f['From'], to: f['To'], body: f['Body'] ?? '' };
    return media.length > 0 ? { ok: true, kind: 'inbound', sms, media } : { ok: true, kind: 'inbound', sms };
  };
}
