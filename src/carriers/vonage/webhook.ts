/**
 * Vonage SMS API webhooks: inbound SMS (`msisdn`, `to`, `text`, `messageId`, and for long texts
 * `concat-ref`/`concat-total`/`concat-part`, each part its own call) and delivery receipts (`messageId`, `status`, `err-code`),
 * by GET query, POST form or POST JSON. Signed webhooks add `sig` (and `timestamp`):
 * - `md5hash`: hex MD5 of `&k=v&k=v…` (params sorted by name, `sig` left out, `&` and `=` inside
 *   values replaced with `_`) followed directly by the signature secret;
 * - `md5`/`sha1`/`sha256`/`sha512`: hex HMAC of the same `&k=v…` string keyed by the secret.
 * Hex case is ignored. Sources: https://developer.vonage.com/en/getting-started/concepts/signing-messages,
 * https://developer.vonage.com/en/messaging/sms/guides/inbound-sms, …/delivery-receipts
 */
import { createHash, createHmac } from 'node:crypto';
import type { DeliveryReceipt, InboundPart } from '../../app/ports.js';
import {
  ignored,
  malformed,
  plusDigits,
  reject,
  requestFields,
  safeEqual,
  type WebhookRequest,
  type WebhookResult,
} from '../http/webhook.js';
import type { VonageSignatureMethod } from './config.js';

export type { VonageSignatureMethod } from './config.js';

/**
 * How long the parts of a long inbound text wait for the rest before what arrived is stored: Vonage
 * sends each part as its own call, and gives no bound on how far apart they come.
 */
export const VONAGE_PARTS_TIMEOUT_MS = 10 * 60_000;

/** Vonage webhook settings. With no `signatureSecret`, calls are accepted unsigned (not recommended). */
export interface VonageWebhookConfig {
  carrier?: string;
  signatureSecret?: string;
  signatureMethod?: VonageSignatureMethod;
  /** Reject signed calls whose `timestamp` is further than this from now, seconds; default 300. */
  toleranceSec?: number;
  now?: () => number;
}

/** The `sig` Vonage would send for these fields. */
export function vonageSignature(
  fields: Record<string, string>,
  secret: string,
  method: VonageSignatureMethod,
): string {
  let query = '';
  for (const k of Object.keys(fields).sort()) {
    if (k !== 'sig') query += `&${k}=${fields[k]!.replace(/[&=]/g, '_')}`;
  }
  if (method === 'md5hash')
    return createHash('md5')
      .update(query + secret)
      .digest('hex');
  return createHmac(method, secret).update(query).digest('hex');
}

const DLR: Record<string, DeliveryReceipt['status']> = {
  delivered: 'delivered',
  failed: 'failed',
  rejected: 'failed',
  expired: 'failed',
};

/** Build the parser for one Vonage account. */
export function makeVonageWebhook(cfg: VonageWebhookConfig = {}): (req: WebhookRequest) => WebhookResult {
  const carrier = cfg.carrier ?? 'vonage';
  const now = cfg.now ?? Date.now;
  return (req) => {
    const f = requestFields(req);
    if (cfg.signatureSecret) {
      const sig = f['sig'];
      if (!sig) return reject('missing sig');
      const expected = vonageSignature(f, cfg.signatureSecret, cfg.signatureMethod ?? 'md5hash');
      if (!safeEqual(expected.toLowerCase(), sig.toLowerCase())) return reject('bad sig');
      const ts = Number(f['timestamp']);
      if (!Number.isFinite(ts) || Math.abs(now() - ts * 1000) > (cfg.toleranceSec ?? 300) * 1000) {
        return reject('timestamp outside tolerance');
      }
    }
    const id = f['messageId'] ?? '';
    if (f['status'] !== undefined && f['text'] === undefined) {
      const status = DLR[f['status']];
      if (!status || !id) return ignored(`receipt status ${f['status']}`);
      const receipt: DeliveryReceipt = { carrier, carrierRef: id, status };
      if (status === 'failed') receipt.error = `${f['status']} (err-code ${f['err-code'] ?? '?'})`;
      return { ok: true, kind: 'receipt', receipt };
    }
    if (!f['msisdn'] || !f['to'] || !id) return ignored('not a message event');
    const sms = {
      carrier,
      carrierRef: id,
      from: plusDigits(f['msisdn']),
      to: plusDigits(f['to']),
      body: f['text'] ?? '',
    };
    if (f['concat'] === 'true' || f['concat-ref'] !== undefined) {
      const total = Number(f['concat-total']);
      const index = Number(f['concat-part']);
      if (!(total >= 1 && index >= 1 && index <= total)) return malformed('bad concat fields');
      // The sender plus its reference names the group: references are only unique per sender. The parts
      // wait in the database (`app/inbound-parts.ts`), so parts posted to different instances meet.
      const part: InboundPart = {
        carrier,
        from: sms.from,
        to: sms.to,
        ref: f['concat-ref'] ?? '',
        total,
        seq: index,
        data: Buffer.from(sms.body, 'utf8'),
        encoding: 'utf8',
        timeoutMs: VONAGE_PARTS_TIMEOUT_MS,
      };
      return { ok: true, kind: 'part', part };
    }
    return { ok: true, kind: 'inbound', sms };
  };
}
