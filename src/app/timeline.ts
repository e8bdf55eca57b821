/**
 * A message's timeline, as `messages show` and the admin API read it: the message, then what happened
 * to it, oldest first (the event kinds: domain/timeline.ts; what each means: docs/timeline.md).
 *
 * A notice stored for the sender because of this message (a bounce, a delivery or display
 * notification) is a message of its own, with its own timeline; its pushes and fetches are what the
 * sender's phone saw of this message, so they are shown here too, each with the notice's sms_id.
 */
import type { Message } from '../domain/message.js';
import type { MessageEvent, NewEvent } from '../domain/timeline.js';

/** What a message stored by Send Message keeps for its `accepted` event, beside its own fields. */
export interface Acceptance {
  /** The HTTP request that carried it, as the log names it; null when it came with none. */
  requestId: string | null;
  /** The charge given back when it failed before a carrier took it (`chargeMicros` is then 0). */
  refundedMicros: number;
}

/** Reads timelines. */
export interface TimelineStore {
  message(id: number): Promise<Message | undefined>;
  /** Undefined when Send Message did not store it (inbound, a notice), or stored it with a row of its own. */
  acceptance(id: number): Promise<Acceptance | undefined>;
  /** The events of these messages, oldest first (by time, then by the order they were written). */
  events(messageIds: readonly number[]): Promise<MessageEvent[]>;
}

/** Where a use-case writes events that no other write of its own carries (a push's answers). */
export interface EventLog {
  /** Write `events` durably; resolves once they are. */
  record(events: readonly NewEvent[]): Promise<void>;
}

/** One message and its timeline. */
export interface Timeline {
  message: Message;
  events: MessageEvent[];
}

/** The timeline of `smsId`, or undefined when there is no such message. */
export type ReadTimeline = (smsId: number) => Promise<Timeline | undefined>;

/** What a notice's own timeline adds to the message it is about. */
const FROM_NOTICES = new Set(['push', 'fetched']);

/**
 * The id of an `accepted` event read from its message: stored events count from 1, so it collides
 * with none, and it sorts before any event of the same time. Ids order events and are never shown.
 */
export const ACCEPTED_EVENT_ID = 0;

/**
 * The `accepted` event of a message stored by Send Message, read from the message: no row is written
 * for it on the send path (docs/timeline.md, "The accepted event").
 *
 * - `onNet`: an on-net message is stored `delivered` with no carrier and never changes (it has no
 *   deliver job; retries take only `failed` messages). An off-net message is stored `queued`, or
 *   `sent` without a carrier (a read receipt, which never moves), and reaches `delivered` only by a
 *   carrier's receipt, after a send set its carrier. `recipientAccountId` would not do: an account
 *   purge unlinks the messages it shares with others.
 * - `priceMicros`: the charge, plus what a refusal or a give-up gave back (`refundedMicros`; the
 *   `refund` event may be pruned by retention, the column lives as long as the message).
 */
export function acceptedEvent(message: Message, acceptance: Acceptance): MessageEvent {
  return {
    id: ACCEPTED_EVENT_ID,
    messageId: message.id,
    at: message.createdAt,
    kind: 'accepted',
    details: {
      requestId: acceptance.requestId,
      onNet: message.status === 'delivered' && message.carrier === null,
      priceMicros: message.chargeMicros + acceptance.refundedMicros,
    },
  };
}

export function makeReadTimeline(store: TimelineStore): ReadTimeline {
  return async (smsId) => {
    const message = await store.message(smsId);
    if (!message) return undefined;
    const [acceptance, stored] = await Promise.all([store.acceptance(smsId), store.events([smsId])]);
    // A message stored before the accept kept its event on the message has its `accepted` row: that
    // one is shown, never two.
    const own =
      acceptance && !stored.some((e) => e.kind === 'accepted')
        ? [acceptedEvent(message, acceptance), ...stored]
        : stored;
    const notices = own.flatMap((e) =>
      (e.kind === 'bounce' || e.kind === 'disposition') && e.details.notice !== smsId
        ? [e.details.notice]
        : [],
    );
    if (notices.length === 0) return { message, events: own };
    const theirs = (await store.events(notices))
      .filter((e) => FROM_NOTICES.has(e.kind))
      .map((e) => ({ ...e, details: { ...e.details, notice: e.messageId } }) as MessageEvent);
    // The accepted event first, whatever the clock did; the rest by time, then by write order.
    const [first, ...rest] = own;
    const sorted = (list: MessageEvent[]) => list.sort((a, b) => a.at - b.at || a.id - b.id);
    const events =
      first?.kind === 'accepted' ? [first, ...sorted([...rest, ...theirs])] : sorted([...own, ...theirs]);
    return { message, events };
  };
}
