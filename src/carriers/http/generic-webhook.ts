/**
 * Webhooks of a carrier described by configuration: field names for inbound messages and receipts,
 * and one of two shared-secret checks (config chooses):
 * - `header`: a header (e.g. `X-Textbridge-Secret`) carries the secret itself;
 * - `hmac-sha256`: a header carries hex or base64 HMAC-SHA256, optionally prefixed (`sha256=` as
 *   GitHub-style senders do), of `<timestamp>.<raw body>` where a second header carries the Unix time in
 *   seconds, refused outside a tolerance window (the replay guard of Telnyx and Standard Webhooks,
 *   https://www.standardwebhooks.com/); with `timestamp: false`, of the raw body alone;
 * - `standard-webhooks`: the Standard Webhooks scheme itself (https://www.standardwebhooks.com/,
 *   https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 *   `webhook-signature` lists `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`,
 *   space-separated, keyed by the base64 after `whsec_` of the secret; the timestamp within the window.
 * Field names may be dot paths into a JSON body (`data.from`), or plain form names. With an HMAC the
 * fields come from the signed body only, never from the URL query (which the HMAC does not cover), so
 * a captured call replayed with a new query says nothing new. With a shared-secret header, which signs
 * nothing, query fields are read too (GET senders).
 */
import { createHmac } from 'node:crypto';
import type { DeliveryReceipt, InboundMedia } from '../../app/ports.js';
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
  | {
      kind: 'hmac-sha256';
      header: string;
      secret: string;
      encoding?: 'hex' | 'base64';
      prefix?: string;
      /** Default true: the HMAC covers `<timestamp>.<body>`, the timestamp within `toleranceSec`. */
      timestamp?: boolean;
      timestampHeader?: string;
      toleranceSec?: number;
    }
  | { kind: 'standard-webhooks'; secret: string; toleranceSec?: number };

/** Generic webhook settings. */
export interface GenericWebhookConfig {
  carrier: string;
  auth: GenericWebhookAuth;
  inbound?: { from: string; to: string; body: string; id: string; media?: string };
  receipt?: { ref: string; status: string; delivered: string[]; failed: string[]; error?: string };
  /** Epoch milliseconds; tests pass a fixed clock. */
  now?: () => number;
}

/** Default header of the signed timestamp, and the window around now it must fall in (seconds). */
export const TIMESTAMP_HEADER = 'webhook-timestamp';
export const TIMESTAMP_TOLERANCE_SEC = 300;

/** Why a signed Unix-seconds timestamp is refused, if it is. */
function staleTimestamp(name: string, ts: string | undefined, toleranceSec: number, now: number) {
  if (!ts) return `missing ${name}`;
  if (!/^\d{1,12}$/.test(ts) || Math.abs(now - Number(ts) * 1000) > toleranceSec * 1000) {
    return `${name} outside tolerance`;
  }
  return undefined;
}

function checkStandardWebhook(
  secret: string,
  toleranceSec: number | undefined,
  req: WebhookRequest,
  now: number,
) {
  const id = headerValue(req, 'webhook-id');
  const ts = headerValue(req, 'webhook-timestamp');
  const given = headerValue(req, 'webhook-signature');
  if (!id || !given) return 'missing webhook-id or webhook-signature';
  const stale = staleTimestamp('webhook-timestamp', ts, toleranceSec ?? TIMESTAMP_TOLERANCE_SEC, now);
  if (stale) return stale;
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${ts}.`).update(req.rawBody).digest('base64');
  const ok = given.split(' ').some((s) => s.startsWith('v1,') && safeEqual(s.slice(3), mac));
  return ok ? undefined : 'bad webhook-signature';
}

function checkAuth(auth: GenericWebhookAuth, req: WebhookRequest, now: () => number): string | undefined {
  if (auth.kind === 'standard-webhooks')
    return checkStandardWebhook(auth.secret, auth.toleranceSec, req, now());
  const given = headerValue(req, auth.header);
  if (!given) return `missing ${auth.header}`;
  if (auth.kind === 'header') return safeEqual(given, auth.secret) ? undefined : `bad ${auth.header}`;
  const hmac = createHmac('sha256', auth.secret);
  if (auth.timestamp ?? true) {
    const name = auth.timestampHeader ?? TIMESTAMP_HEADER;
    const ts = headerValue(req, name);
    const stale = staleTimestamp(name, ts, auth.toleranceSec ?? TIMESTAMP_TOLERANCE_SEC, now());
    if (stale) return stale;
    hmac.update(`${ts}.`);
  }
  const mac = hmac.update(req.rawBody).digest(auth.encoding ?? 'hex');
  const expected = `${auth.prefix ?? ''}${mac}`;
  const same =
    auth.encoding === 'base64' ? safeEqual(given, expected) : safeEqual(given.toLowerCase(), expected);
  return same ? undefined : `bad ${auth.header}`;
}

/** Build the parser for one generic carrier. */
export function makeGenericWebhook(cfg: GenericWebhookConfig): (req: WebhookRequest) => WebhookResult {
  return (req) => {
    const bad = checkAuth(cfg.auth, req, cfg.now ?? Date.now);
    if (bad) return reject(bad);
    // An HMAC covers the body, not the URL: read the body alone.
    const { method, url, headers, rawBody } = req;
    const signed =
      cfg.auth.kind === 'header' ? req : { method, headers, rawBody, url: url.split('?')[0] ?? '' };
    const flat = requestFields(signed);
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
    const sms = { carrier: cfg.carrier, carrierRef: id, from, to, body };
    const media = m.media === undefined ? [] : mediaList(flat[m.media] ?? getPath(json, m.media));
    return media.length > 0 ? { ok: true, kind: 'inbound', sms, media } : { ok: true, kind: 'inbound', sms };
  };
}

/** A mapped media list: URL strings, or objects with `url` and `content_type` / `contentType`. */
function mediaList(v: unknown): InboundMedia[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list.flatMap((item: unknown): InboundMedia[] => {
    if (typeof item === 'string') return item ? [{ url: item }] : [];
    const url = getPath(item, 'url');
    const type = getPath(item, 'content_type') ?? getPath(item, 'contentType');
    if (typeof url !== 'string' || !url) return [];
    return typeof type === 'string' && type ? [{ url, contentType: type }] : [{ url }];
  });
}
