/**
 * The `webhook` job: post one stored event to its endpoint, signed (Standard Webhooks,
 * https://www.standardwebhooks.com/), and finish it.
 *
 * - A 2xx answer ends it: the event and its job are deleted in one transaction.
 * - 410 Gone ends it too, without retries (the receiver says it wants no more of this); the endpoint
 *   stays configured, so later events are still posted. Any other answer, a timeout or a network error
 *   is retried with backoff (`domain/retry.ts`) until `webhookDelivery.maxAttempts` or `maxAgeMs`,
 *   then given up.
 * - Order: while this job exists, later events of the same message and endpoint are not claimed
 *   (`store/sql/outbox.ts`, `claimDue`), so a receiver that was down gets them all, in order.
 * - A fan-out event (the low-credit trigger's, which cannot read the configuration) becomes one event
 *   per subscribed endpoint, in one transaction with its own deletion.
 * Every attempt's outcome goes to `onAttempt` (the log), with the event's ids but never its body, and,
 * for an event about a message, into that message's timeline as a `webhook` event, written in the
 * transaction that finishes or reschedules the job (no commit of its own).
 */
import { nextAttempt, type RetryPolicy } from '../domain/retry.js';
import { eventReason, type NewEvent, event as timelineEvent } from '../domain/timeline.js';
import type { Clock, JobHandler, OutboxSignal } from './ports.js';
import {
  type EventRow,
  lowCreditRows,
  type WebhookEndpoint,
  type WebhookEventName,
} from './webhook-events.js';

/** A stored event as the job reads it. */
export interface StoredEvent {
  id: number;
  /** The Standard Webhooks `webhook-id`; null on a fan-out row. */
  uid: string | null;
  /** Null: a fan-out to every subscribed endpoint. */
  endpoint: string | null;
  event: WebhookEventName;
  messageId: number | null;
  accountId: number | null;
  /** The account's username (for a fan-out's bodies). */
  account: string | null;
  payload: string;
  createdAt: number;
}

/** What the job needs from the store; each write is one transaction, resolved once durable. */
export interface WebhookEventStore {
  load(eventId: number): Promise<StoredEvent | undefined>;
  /** Delete the event and its job (delivered or given up), and write `events` (the timeline's). */
  finish(jobId: number, eventId: number, events: readonly NewEvent[]): Promise<void>;
  /** Run the job again at `retryAt` (epoch ms), and write `events`, in one transaction. */
  retry(jobId: number, retryAt: number, events: readonly NewEvent[]): Promise<void>;
  /** Store `rows` with their jobs and delete the fan-out event and its job. */
  fanOut(jobId: number, eventId: number, rows: readonly EventRow[]): Promise<void>;
}

/** One signed POST: `id` and `timestamp` (seconds) are the Standard Webhooks headers' values. */
export interface WebhookPost {
  id: string;
  timestamp: number;
  body: string;
}

/** Posts to an endpoint; an answer's status, or why none came (network, timeout). Never throws. */
export interface WebhookGateway {
  post(
    endpoint: WebhookEndpoint,
    post: WebhookPost,
    signal: AbortSignal,
  ): Promise<{ ok: true; status: number } | { ok: false; reason: string }>;
  close?(): Promise<void>;
}

/** One attempt's outcome, for the log (and the message's timeline). */
export interface WebhookAttempt {
  eventId: number;
  webhookId: string;
  endpoint: string;
  event: WebhookEventName;
  smsId?: string;
  /** The answer's status, when one came. */
  status?: number;
  outcome: 'delivered' | 'retry' | 'gave_up';
  reason?: string;
  attempt: number;
}

export interface WebhookJobDeps {
  endpoints: readonly WebhookEndpoint[];
  store: WebhookEventStore;
  gateway: WebhookGateway;
  retry: RetryPolicy;
  clock: Clock;
  /** Rung after a fan-out stored new events. */
  outbox: OutboxSignal;
  onAttempt(a: WebhookAttempt): void;
}

/** The handler of `webhook` jobs. */
export function makeWebhookHandler(d: WebhookJobDeps): JobHandler {
  const byName = new Map(d.endpoints.map((e) => [e.name, e]));
  return async (job, signal) => {
    const ev = await d.store.load(job.refId);
    if (!ev) return { done: true };
    if (ev.endpoint === null) {
      const facts = JSON.parse(ev.payload) as { before: number; after: number; threshold: number };
      const rows =
        ev.event === 'account.low_credit' && ev.accountId !== null
          ? lowCreditRows(d.endpoints, {
              accountId: ev.accountId,
              account: ev.account,
              beforeMicros: Number(facts.before),
              afterMicros: Number(facts.after),
              thresholdMicros: Number(facts.threshold),
              at: ev.createdAt,
            })
          : [];
      await d.store.fanOut(job.id, ev.id, rows);
      if (rows.length > 0) d.outbox.wake();
      return { done: true, recorded: true };
    }
    const attempt = job.attempts + 1;
    const base = {
      eventId: ev.id,
      webhookId: ev.uid ?? String(ev.id),
      endpoint: ev.endpoint,
      event: ev.event,
      attempt,
      ...(ev.messageId !== null ? { smsId: String(ev.messageId) } : {}),
    };
    const endpoint = byName.get(ev.endpoint);
    type Outcome = Omit<WebhookAttempt, keyof typeof base>;
    /** The attempt as the message's timeline keeps it (none for an event about no message). */
    const timeline = (a: Outcome): NewEvent[] =>
      ev.messageId === null
        ? []
        : [
            timelineEvent(ev.messageId, d.clock.now(), 'webhook', {
              endpoint: base.endpoint,
              event: base.event,
              attempt,
              outcome: a.outcome,
              ...(a.status === undefined ? {} : { status: a.status }),
              ...(a.reason === undefined ? {} : { reason: eventReason(a.reason) }),
            }),
          ];
    const giveUp = async (a: Outcome) => {
      await d.store.finish(job.id, ev.id, timeline(a));
      d.onAttempt({ ...base, ...a });
      return { done: true, recorded: true } as const;
    };
    if (!endpoint) return giveUp({ outcome: 'gave_up', reason: 'endpoint no longer configured' });
    const now = d.clock.now();
    const post = { id: base.webhookId, timestamp: Math.floor(now / 1000), body: ev.payload };
    const r = await d.gateway.post(endpoint, post, signal);
    if (r.ok && r.status >= 200 && r.status < 300) {
      const a = { status: r.status, outcome: 'delivered' } as const;
      await d.store.finish(job.id, ev.id, timeline(a));
      d.onAttempt({ ...base, ...a });
      return { done: true, recorded: true };
    }
    const status = r.ok ? { status: r.status } : {};
    const reason = r.ok ? `answered ${r.status}` : r.reason;
    if (r.ok && r.status === 410) return giveUp({ ...status, outcome: 'gave_up', reason });
    const next = nextAttempt(d.retry, attempt, ev.createdAt, d.clock.now());
    if ('giveUp' in next)
      return giveUp({ ...status, outcome: 'gave_up', reason: `${reason}; ${next.giveUp}` });
    const a = { ...status, outcome: 'retry', reason } as const;
    await d.store.retry(job.id, next.retryAt, timeline(a));
    d.onAttempt({ ...base, ...a });
    return { done: false, retryAt: next.retryAt, error: reason, recorded: true };
  };
}
