/**
 * A carrier's webhook call (`/inbound/<carrier-name>`), one use-case for every kind: the named
 * carrier's parser checks the signature over the raw bytes and reads the call as an inbound message,
 * one part of a long one, a delivery receipt or nothing of ours; this stores it and answers only once
 * it is durable. A refused call stores nothing.
 */
import { isText } from '../domain/text.js';
import type { Inbound } from './inbound.js';
import type { DeliveryReceipt, InboundMedia, InboundPart, InboundSms, Log } from './ports.js';
import type { HandleReceipt } from './receipts.js';

/** An incoming webhook call as the HTTP edge received it. */
export interface WebhookRequest {
  method: string;
  /** The full public URL as configured at the carrier (scheme, host, path, query): signatures cover it. */
  url: string;
  /** Lower-case names, as node:http and fastify give them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes exactly as sent: signatures cover them. */
  rawBody: Buffer;
  /** Parsed form/JSON fields, when the edge already parsed them; else parsers read `rawBody`. */
  fields?: Record<string, string>;
}

/** What a webhook call means, as its carrier's parser reads it. */
export type WebhookResult =
  | { ok: true; kind: 'inbound'; sms: InboundSms; media?: InboundMedia[] }
  | { ok: true; kind: 'part'; part: InboundPart }
  | { ok: true; kind: 'receipt'; receipt: DeliveryReceipt }
  | { ok: true; kind: 'ignored'; note?: string }
  /** Refused: a bad or missing signature, or (`malformed`) a signed payload not of the expected shape. */
  | { ok: false; reason: string; malformed?: true };

/** The body a carrier expects in a 2xx answer (Twilio: empty TwiML; the others: `{}`). */
export interface WebhookAnswer {
  contentType: string;
  body: string;
}

/** The configured carriers' webhook parsers, by carrier name (`carriers/webhooks.ts`). */
export interface CarrierWebhooks {
  /** Undefined when no carrier of that name takes webhooks. */
  parse(name: string, req: WebhookRequest): { result: WebhookResult; answer: WebhookAnswer } | undefined;
}

/** What the edge answers. */
export type WebhookOutcome =
  | { kind: 'unknown-carrier' }
  | { kind: 'refused'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'unknown-number' }
  /** `ignored`: the call was answered 2xx but meant nothing to us (its parser's note). */
  | { kind: 'done'; answer: WebhookAnswer; ignored?: string };

export type ReceiveWebhook = (carrier: string, req: WebhookRequest) => Promise<WebhookOutcome>;

export interface WebhookDeps {
  webhooks: CarrierWebhooks;
  inbound: Pick<Inbound, 'receive' | 'receivePart'>;
  handleReceipt: HandleReceipt;
  log: Log;
}

export function makeReceiveWebhook({ webhooks, inbound, handleReceipt, log }: WebhookDeps): ReceiveWebhook {
  return async (carrier, req) => {
    let parsed: ReturnType<CarrierWebhooks['parse']>;
    try {
      parsed = webhooks.parse(carrier, req);
    } catch (err) {
      // A parser that trips over a payload's shape: the caller's fault, never a 5xx that it would retry.
      const reason = `payload not understood (${err instanceof Error ? err.name : 'error'})`;
      log.warn({ carrier, reason }, 'webhook malformed');
      return { kind: 'malformed', reason };
    }
    if (!parsed) return { kind: 'unknown-carrier' };
    const { result, answer } = parsed;
    if (!result.ok) {
      const kind = result.malformed ? 'malformed' : 'refused';
      log.warn({ carrier, reason: result.reason }, `webhook ${kind}`);
      return { kind, reason: result.reason };
    }
    const notText = notTextField(result);
    if (notText) {
      const reason = `${notText} contains a character that is not allowed (NUL or an unpaired surrogate)`;
      log.warn({ carrier, reason }, 'webhook malformed');
      return { kind: 'malformed', reason };
    }
    if (result.kind === 'inbound' || result.kind === 'part') {
      const r =
        result.kind === 'inbound'
          ? await inbound.receive(result.sms, result.media)
          : await inbound.receivePart(result.part);
      if (!r.stored && !r.duplicate && !r.held) return { kind: 'unknown-number' };
      const ref =
        result.kind === 'inbound' ? result.sms.carrierRef : `part ${result.part.seq}/${result.part.total}`;
      log.info({ carrier, ref, smsId: r.messageId, duplicate: r.duplicate }, 'inbound');
    } else if (result.kind === 'receipt') {
      const r = await handleReceipt(result.receipt);
      log.info({ carrier, ref: result.receipt.carrierRef, status: result.receipt.status, ...r }, 'receipt');
    }
    return result.kind === 'ignored'
      ? { kind: 'done', answer, ignored: result.note ?? 'nothing of ours' }
      : { kind: 'done', answer };
  };
}

/**
 * The first field of what a call says that is not text (`domain/text.ts`), named as the result names
 * it (`sms.from`, `receipt.error`, `media.0`), or undefined. Such a field would fail on PostgreSQL and
 * reach the app as replacement characters: it is the sender's mistake, answered 400 on both engines.
 */
function notTextField(result: WebhookResult & { ok: true }): string | undefined {
  const fields: Array<[string, unknown]> =
    result.kind === 'inbound'
      ? [
          ...Object.entries(result.sms).map(([k, v]): [string, unknown] => [`sms.${k}`, v]),
          ...(result.media ?? []).flatMap(
            (m, i): Array<[string, unknown]> => [
              [`media.${i}.url`, m.url],
              [`media.${i}.contentType`, m.contentType],
            ],
          ),
        ]
      : result.kind === 'part'
        ? Object.entries(result.part).map(([k, v]): [string, unknown] => [`part.${k}`, v])
        : result.kind === 'receipt'
          ? Object.entries(result.receipt).map(([k, v]): [string, unknown] => [`receipt.${k}`, v])
          : [];
  for (const [name, v] of fields) {
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === 'string' && !isText(x))) return name;
  }
  return undefined;
}
