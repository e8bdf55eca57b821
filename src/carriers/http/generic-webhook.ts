/**
 * Webhooks of a carrier described by configuration: field names for inbound messages and receipts,
 * and one of two shared-secret checks (config chooses):
 * - `header`: a header (e.g. `X-Textbridge-Secret`) carries the secret itself;
 * - `hmac-sha256`: a header carries hex or base64 HMAC-SHA256 of the raw body, optionally prefixed
 *   (`sha256=` as GitHub-style senders do).
 * Field names may be dot paths into a JSON body (`data.from`), or plain form/query names.
 */
import { createHmac } from 'node:crypto';
import type { DeliveryReceipt } from '../../app/ports.js';
import { getPath } from './answer.js';
import {
  headerValue,
  ignored,
  reject,
  requestFields,
  safeEqual,
  type WebhookRequest,
  type WebhookResult,
} from './webhook.js';

/** How a generic carrier proves a call is its own. */
export type GenericWebhookAuth =
  | { kind: 'header'; header: string; secret: string }
  | { kind: 'hmac-sha256'; header: string; secret: string; encoding?: 'hex' | 'base64'; prefix?: string };

/** Generic webhook settings. */
export interface GenericWebhookConfig {
  carrier: string;
  auth: GenericWebhookAuth;
  inbound?: { from: string; to: string; body: string; id: string };
  receipt?: { ref: string; status: string; delivered: string[]; failed: string[]; error?: string };
}

function checkAuth(auth: GenericWebhookAuth, req: WebhookRequest): string | undefined {
  const given = headerValue(req, auth.header);
  if (!given) return `missing ${auth.header}`;
  if (auth.kind === 'header') return safeEqual(given, auth.secret) ? undefined : `bad ${auth.header}`;
  const mac = createHmac('sha256', auth.secret)
    .update(req.rawBody)
    .digest(auth.encoding ?? 'hex');
  const expected = `${auth.prefix ?? ''}${mac}`;
  const same =
    auth.encoding === 'base64' ? safeEqual(given, expected) : safeEqual(given.toLowerCase(), expected);
  return same ? undefined : `bad ${auth.header}`;
}

/** Build the parser for one generic carrier. */
export function makeGenericWebhook(cfg: GenericWebhookConfig): (req: WebhookRequest) => WebhookResult {
  return (req) => {
    const bad = checkAuth(cfg.auth, req);
    if (bad) return reject(bad);
    const flat = requestFields(req);
    let json: unknown;
    if (req.rawBody.toString('utf8', 0, 64).trimStart().startsWith('{')) {
      try {
        json = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        json = undefined;
      }
    }
    const field = (name: string): string | undefined => {
      const v = flat[name] ?? getPath(json, name);
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    };
    const r = cfg.receipt;
    const status = r ? field(r.status) : undefined;
    if (r && status !== undefined) {
      const ref = field(r.ref);
      const final = r.delivered.includes(status)
        ? 'delivered'
        : r.failed.includes(status)
          ? 'failed'
          : undefined;
      if (!final || !ref) return ignored(`receipt status ${status}`);
      const receipt: DeliveryReceipt = { carrier: cfg.carrier, carrierRef: ref, status: final };
      if (final === 'failed') receipt.error = (r.error && field(r.error)) || status;
      return { ok: true, kind: 'receipt', receipt };
    }
    const m = cfg.inbound;
    if (!m) return ignored('no inbound mapping');
    const [from, to, body, id] = [field(m.from), field(m.to), field(m.body), field(m.id)];
    if (!from || !to || body === undefined || !id) return ignored('not a message event');
    return { ok: true, kind: 'inbound', sms: { carrier: cfg.carrier, carrierRef: id, from, to, body } };
  };
}
