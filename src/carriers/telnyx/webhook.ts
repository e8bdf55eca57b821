/**
 * Telnyx v2 webhooks: JSON events signed with Ed25519. The signed bytes are
 * `${telnyx-timestamp}|${raw body}`; `telnyx-signature-ed25519` is the base64 signature and the
 * public key (Mission Control → Keys & Credentials) is base64 of the raw 32-byte key.
 * Sources: https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks,
 * https://developers.telnyx.com/development/api-fundamentals/webhooks (signature verification)
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { DeliveryReceipt, InboundMedia } from '../../app/ports.js';
import { getPath } from '../http/answer.js';
import {
  headerValue,
  ignored,
  malformed,
  reject,
  type WebhookRequest,
  type WebhookResult,
} from '../http/webhook.js';

/** Telnyx webhook settings. */
export interface TelnyxWebhookConfig {
  carrier?: string;
  /** Base64 of the raw Ed25519 public key. */
  publicKey: string;
  /** Oldest (or furthest in the future) timestamp accepted, seconds; default 300 (replay guard). */
  toleranceSec?: number;
  /** Epoch milliseconds; tests pass a fixed clock. */
  now?: () => number;
}

/** Turn Telnyx's base64 raw key into a KeyObject (via JWK: node has no "raw" import for Ed25519). */
export function telnyxPublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new Error('telnyx publicKey must be base64 of a 32-byte Ed25519 key');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** Per-recipient delivery statuses that end a message (message object `to[].status`). */
const FINAL: Record<string, DeliveryReceipt['status']> = {
  delivered: 'delivered',
  delivery_failed: 'failed',
  sending_failed: 'failed',
};

/** Build the parser for one Telnyx account. */
export function makeTelnyxWebhook(cfg: TelnyxWebhookConfig): (req: WebhookRequest) => WebhookResult {
  const carrier = cfg.carrier ?? 'telnyx';
  const key = telnyxPublicKey(cfg.publicKey);
  const tolerance = (cfg.toleranceSec ?? 300) * 1000;
  const now = cfg.now ?? Date.now;
  return (req) => {
    const sig = headerValue(req, 'telnyx-signature-ed25519');
    const ts = headerValue(req, 'telnyx-timestamp');
    if (!sig || !ts) return reject('missing telnyx-signature-ed25519 or telnyx-timestamp');
    if (!/^\d{1,12}$/.test(ts) || Math.abs(now() - Number(ts) * 1000) > tolerance) {
      return reject('telnyx-timestamp outside tolerance');
    }
    const signed = Buffer.concat([Buffer.from(`${ts}|`), req.rawBody]);
    if (!verify(null, signed, key, Buffer.from(sig, 'base64'))) return reject('bad telnyx-signature-ed25519');

    let event: unknown;
    try {
      event = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return malformed('body is not JSON');
    }
    const type = getPath(event, 'data.event_type');
    const p = getPath(event, 'data.payload');
    const rawId = getPath(p, 'id');
    if (rawId !== undefined && typeof rawId !== 'string') return malformed('data.payload.id is not a string');
    const id = rawId ?? '';
    if (type === 'message.received') {
      const from = getPath(p, 'from.phone_number');
      const to = getPath(p, 'to.0.phone_number');
      if (typeof from !== 'string' || typeof to !== 'string' || !id)
        return ignored('message.received without parties');
      const text = getPath(p, 'text');
      const list = getPath(p, 'media') ?? [];
      if (!Array.isArray(list)) return malformed('data.payload.media is not an array');
      // `media[]`: `url` (pre-signed, fetched without credentials) and `content_type`:
      // https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks
      const media = list.flatMap((m: unknown): InboundMedia[] => {
        const url = getPath(m, 'url');
        const contentType = getPath(m, 'content_type');
        if (typeof url !== 'string') return [];
        return typeof contentType === 'string' && contentType ? [{ url, contentType }] : [{ url }];
      });
      const sms = { carrier, carrierRef: id, from, to, body: typeof text === 'string' ? text : '' };
      return media.length > 0
        ? { ok: true, kind: 'inbound', sms, media }
        : { ok: true, kind: 'inbound', sms };
    }
    if (type === 'message.sent' || type === 'message.finalized') {
      const status = FINAL[String(getPath(p, 'to.0.status'))];
      if (!status || !id) return ignored(`${type} not final`);
      const receipt: DeliveryReceipt = { carrier, carrierRef: id, status };
      const completed = Date.parse(String(getPath(p, 'completed_at') ?? ''));
      if (!Number.isNaN(completed)) receipt.at = completed;
      if (status === 'failed') {
        const code = getPath(p, 'errors.0.code');
        const title = getPath(p, 'errors.0.title');
        receipt.error =
          [title, code === undefined ? undefined : `(${code})`].filter(Boolean).join(' ') || 'failed';
      }
      return { ok: true, kind: 'receipt', receipt };
    }
    return ignored(`event ${String(type)}`);
  };
}
