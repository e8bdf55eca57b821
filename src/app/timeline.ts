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

/** Reads timelines. */
export interface TimelineStore {
  message(id: number): Promise<Message | undefined>;
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

export function makeReadTimeline(store: TimelineStore): ReadTimeline {
  return async (smsId) => {
    const message = await store.message(smsId);
    if (!message) return undefined;
    const own = await store.events([smsId]);
    const notices = own.flatMap((e) =>
      (e.kind === 'bounce' || e.kind === 'disposition') && e.details.notice !== smsId
        ? [e.details.notice]
        : [],
    );
    if (notices.length === 0) return { message, events: own };
    const theirs = (await store.events(notices))
      .filter((e) => FROM_NOTICES.has(e.kind))
      .map((e) => ({ ...e, details: { ...e.details, notice: e.messageId } }) as MessageEvent);
    const events = [...own, ...theirs].sort((a, b) => a.at - b.at || a.id - b.id);
    return { message, events };
  };
}
