/**
 * The timeline of a message: an append-only list of what happened to it, one event per step, each
 * with its time, its kind and a few details. The kinds and the shape of each one's details are
 * declared here, once; the use-cases build them, the store writes them (`message_events`), and
 * `messages show` and the admin API read them back. docs/timeline.md says what each one means.
 *
 * Details never hold a message text or a password; numbers, tokens and device selectors are masked
 * to their last characters, and a carrier's reason goes through `domain/redact.ts` first.
 */
import { maskCredentials, shortText } from './redact.js';

/** What each kind of event records. */
export interface EventDetails {
  /**
   * Send Message stored it: the request that carried it, on-net or off, and the price it was accepted
   * at. Read from the message row (app/timeline.ts `acceptedEvent`); a row in older databases.
   */
  accepted: { requestId: string | null; onNet: boolean; priceMicros: number };
  /** The deliver job picked a route: its carriers, in the order they are tried. */
  routed: { carriers: string[] };
  /** One carrier's answer to one send. */
  attempt: {
    carrier: string | null;
    outcome: 'sent' | 'retry' | 'refused' | 'gave_up';
    latencyMs: number;
    refs?: string[];
    reason?: string;
  };
  /** A carrier's delivery receipt for one part. */
  receipt: { carrier: string; status: 'delivered' | 'failed'; part: number; ref: string; error?: string };
  /** The charge given back to the sender. */
  refund: { micros: number };
  /** A bounce notice stored in the sender's inbox, with its own sms_id. */
  bounce: { notice: number };
  /** A disposition notification (delivered, displayed) stored for the sender, with its own sms_id. */
  disposition: { status: 'delivered' | 'displayed'; notice: number };
  /** A push to one device, with the push service's answer. `notice`: the push was for that notice. */
  push: { device: string; token: string; status: string; notice?: number };
  /** A device's Fetch Messages returned it (the first time for that device). */
  fetched: { device: string };
  /** The first fetch by any device of the recipient: the message counts as displayed from now. */
  displayed: { device: string };
  /** An operator sent a failed message again (`messages retry`). */
  retry: { by: 'operator' };
  /**
   * One delivery attempt of an event webhook about this message to one endpoint: the endpoint's
   * name, the event, the attempt's number, the HTTP status when an answer came, why it failed.
   */
  webhook: {
    endpoint: string;
    event: string;
    attempt: number;
    outcome: 'delivered' | 'retry' | 'gave_up';
    status?: number;
    reason?: string;
  };
}

export type EventKind = keyof EventDetails;

export const EVENT_KINDS: readonly EventKind[] = [
  'accepted',
  'routed',
  'attempt',
  'receipt',
  'refund',
  'bounce',
  'disposition',
  'push',
  'fetched',
  'displayed',
  'retry',
  'webhook',
];

/** An event about to be written: which message, when (epoch ms), what. */
export type NewEvent = {
  [K in EventKind]: {
    messageId: number;
    at: number;
    kind: K;
    details: EventDetails[K];
    /** Written once per message and key: a later event with the same key is not stored. */
    once?: string;
  };
}[EventKind];

/** An event as stored and read back, oldest first. */
export type MessageEvent = NewEvent & { id: number };

/** Build one event (typed by its kind). */
export function event<K extends EventKind>(
  messageId: number,
  at: number,
  kind: K,
  details: EventDetails[K],
  once?: string,
): NewEvent {
  return { messageId, at, kind, details, ...(once === undefined ? {} : { once }) } as NewEvent;
}

/** `abcdefgh1234` → `…1234`: enough to tell two devices or tokens apart, not enough to use one. */
export function maskTail(value: string, keep = 4): string {
  return value.length <= keep ? '…' : `…${value.slice(-keep)}`;
}

/** A reason as the timeline keeps it: credential shapes masked, one line, at most 200 characters. */
export function eventReason(text: string): string {
  return shortText(maskCredentials(text), 200);
}
