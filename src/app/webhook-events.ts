/**
 * Event webhooks: which changes make which events, and the body each endpoint is posted
 * (docs/webhooks.md). Pure: the store calls these inside the transaction of the change, so an event
 * is stored exactly when its change is, and the dispatcher posts it later (`app/webhook-job.ts`).
 *
 * Glossary:
 * - endpoint: one of the provider's URLs (`webhooks[]` in the configuration), with its secret and events.
 * - event: one thing that happened (`message.status`, …), stored once per subscribed endpoint.
 * - order key: events with one key are posted one after the other, in the order they were stored:
 *   `<endpoint>|m<sms_id>` for a message's events, `<endpoint>|a<account id>` for an account's.
 */
import { maskCredentials, shortText } from '../domain/redact.js';

/** The events an endpoint may subscribe to. */
export type WebhookEventName =
  | 'message.received'
  | 'message.status'
  | 'message.failed'
  | 'account.low_credit';

/** One configured endpoint. The secret is `whsec_` and base64 (Standard Webhooks). */
export interface WebhookEndpoint {
  name: string;
  url: string;
  secret: string;
  events: readonly WebhookEventName[];
  timeoutMs: number;
  /** Put the message text in message events' bodies. */
  includeText: boolean;
}

/** A change of a message that events report: an off-net message's status, or an inbound one stored. */
export type MessageChange = 'sent' | 'delivered' | 'failed' | 'received';

/** A message as the event bodies show it, read in the transaction of its change. */
export interface MessageFacts {
  id: number;
  /** The account it belongs to: the sender's for an outbound message, the recipient's for an inbound one. */
  accountId: number | null;
  account: string | null;
  from: string;
  to: string;
  status: string;
  carrier: string | null;
  body: string;
  lastError: string | null;
  /** When it changed (epoch ms). */
  at: number;
}

/** An account's credit that crossed below the threshold. */
export interface LowCreditFacts {
  accountId: number;
  account: string | null;
  beforeMicros: number;
  afterMicros: number;
  thresholdMicros: number;
  at: number;
}

/** One event for one endpoint, ready to store with its job. */
export interface EventRow {
  endpoint: string;
  event: WebhookEventName;
  messageId: number | null;
  accountId: number | null;
  orderKey: string;
  /** The JSON body, as it will be signed and posted. */
  payload: string;
}

const EVENTS_OF: Record<MessageChange, readonly WebhookEventName[]> = {
  sent: ['message.status'],
  delivered: ['message.status'],
  failed: ['message.status', 'message.failed'],
  received: ['message.received'],
};

/** Does any endpoint want an event of this change? (When none does, the store reads nothing.) */
export function wantsChange(endpoints: readonly WebhookEndpoint[], change: MessageChange): boolean {
  return endpoints.some((e) => EVENTS_OF[change].some((ev) => e.events.includes(ev)));
}

/** Does any endpoint want `event`? */
export function wantsEvent(endpoints: readonly WebhookEndpoint[], event: WebhookEventName): boolean {
  return endpoints.some((e) => e.events.includes(event));
}

/** RFC 3339 with milliseconds, UTC. */
const iso = (ms: number): string => new Date(ms).toISOString();

/** The body: `{type, timestamp, data}`, the shape the Standard Webhooks specification recommends. */
const body = (type: WebhookEventName, at: number, data: object): string =>
  JSON.stringify({ type, timestamp: iso(at), data });

/** The events of `change` for every subscribed endpoint, in order: per message, status before failed. */
export function messageEventRows(
  endpoints: readonly WebhookEndpoint[],
  change: MessageChange,
  messages: readonly MessageFacts[],
): EventRow[] {
  const rows: EventRow[] = [];
  for (const m of messages) {
    for (const event of EVENTS_OF[change]) {
      for (const e of endpoints) {
        if (!e.events.includes(event)) continue;
        rows.push({
          endpoint: e.name,
          event,
          messageId: m.id,
          accountId: m.accountId,
          orderKey: `${e.name}|m${m.id}`,
          payload: body(event, m.at, messageData(event, m, e.includeText)),
        });
      }
    }
  }
  return rows;
}

function messageData(event: WebhookEventName, m: MessageFacts, includeText: boolean): object {
  const inbound = event === 'message.received';
  return {
    sms_id: String(m.id),
    account: m.account,
    direction: inbound ? 'in' : 'out',
    from: m.from,
    to: m.to,
    status: m.status,
    carrier: m.carrier,
    time: iso(m.at),
    ...(event === 'message.failed' ? { reason: failureReason(m.lastError) } : {}),
    ...(includeText ? { text: m.body } : {}),
  };
}

/** The stored error, with anything shaped like a credential masked (it may quote a carrier's answer). */
export const failureReason = (error: string | null): string =>
  shortText(maskCredentials(error ?? 'failed'), 500);

/** `account.low_credit` for every subscribed endpoint. */
export function lowCreditRows(endpoints: readonly WebhookEndpoint[], f: LowCreditFacts): EventRow[] {
  return endpoints
    .filter((e) => e.events.includes('account.low_credit'))
    .map((e) => ({
      endpoint: e.name,
      event: 'account.low_credit' as const,
      messageId: null,
      accountId: f.accountId,
      orderKey: `${e.name}|a${f.accountId}`,
      payload: body('account.low_credit', f.at, {
        account: f.account,
        credit_micros: f.afterMicros,
        previous_credit_micros: f.beforeMicros,
        threshold_micros: f.thresholdMicros,
        time: iso(f.at),
      }),
    }));
}
