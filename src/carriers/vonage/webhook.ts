/**
 * Vonage SMS API webhooks: inbound SMS (`msisdn`, `to`, `text`, `messageId`, and for long texts
 * `concat-ref`/`concat-total`/`concat-part`) and delivery receipts (`messageId`, `status`, `err-code`),
 * by GET query, POST form or POST JSON. Signed webhooks add `sig` (and `timestamp`):
 * - `md5hash`: hex MD5 of `&k=v&k=v…` (params sorted by name, `sig` left out, `&` and `=` inside
 *   values replaced with `_`) followed directly by the signature secret;
 * - `md5`/`sha1`/`sha256`/`sha512`: hex HMAC of the same `&k=v…` string keyed by the secret.
 * Hex case is ignored. Sources: https://developer.vonage.com/en/getting-started/concepts/signing-messages,
 * https://developer.vonage.com/en/messaging/sms/guides/inbound-sms, …/delivery-receipts
 */
import { createHash, createHmac } from 'node:crypto';
import type { DeliveryReceipt } from '../../app/ports.js';
import {
  ignored,
  plusDigits,
  reject,
  requestFields,
  safeEqual,
  type WebhookRequest,
  type WebhookResult,
} from '../http/webhook.js';
import type { VonageSignatureMethod } from './config.js';

export type { VonageSignatureMethod } from './config.js';

/** Keeps parts of long inbound texts until all have arrived. */
export interface ConcatStore {
  /** Add part `index` (1-based) of `total`; the whole text once complete, else `undefined`. */
  add(key: string, index: number, total: number, text: string): string | undefined;
}

/** An in-memory `ConcatStore`; groups older than `ttlMs` are dropped. One process only. */
export function makeMemoryConcatStore(ttlMs = 10 * 60_000, now: () => number = Date.now): ConcatStore {
  const groups = new Map<string, { at: number; parts: Map<number, string> }>();
  return {
    add(key, index, total, text) {
      const t = now();
      for (const [k, g] of groups) if (t - g.at > ttlMs) groups.delete(k);
      const g = groups.get(key) ?? { at: t, parts: new Map<number, string>() };
      g.parts.set(index, text);
      groups.set(key, g);
      if (g.parts.size < total) return undefined;
      groups.delete(key);
      let whole = '';
      for (let i = 1; i <= total; i++) whole += g.parts.get(i) ?? '';
      return whole;
    },
  };
}

/** Vonage webhook settings. With no `signatureSecret`, calls are accepted unsigned (not recommended). */
export interface VonageWebhookConfig {
  carrier?: string;
  signatureSecret?: string;
  signatureMethod?: VonageSignatureMethod;
  /** Reject signed calls whose `timestamp` is further than this from now, seconds; default 300. */
  toleranceSec?: number;
  now?: () => number;
  /** Where parts of long texts wait; default a memory store. */
  parts?: ConcatStore;
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
  const parts = cfg.parts ?? makeMemoryConcatStore();
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
      if (!(total >= 1 && index >= 1 && index <= total)) return reject('bad concat fields');
      // The sender plus its reference names the group: references are only unique per sender.
      const whole = parts.add(`${f['msisdn']}|${f['concat-ref']}`, index, total, sms.body);
      if (whole === undefined) return ignored(`part ${index} of ${total}`);
      // The last part's messageId stands for the whole; a carrier retry of it is stored only once.
      return { ok: true, kind: 'inbound', sms: { ...sms, body: whole } };
    }
    return { ok: true, kind: 'inbound', sms };
  };
}
