/**
 * Timeline statements (`message_events`, migration 0015; the kinds in domain/timeline.ts). Events are
 * written inside the transaction that makes the step they record durable (the accept, an outcome
 * batch, a receipt batch, a fetch's mark), many rows to one statement.
 */
import type { Acceptance } from '../../app/timeline.js';
import type { EventKind, MessageEvent, NewEvent } from '../../domain/timeline.js';
import { chunks } from '../engine/batcher.js';
import { prepareSized } from '../engine/prepared.js';
import type { Q } from './accounts.js';

const ROWS_PER_INSERT = 100;

/**
 * insert into message_events (message_id, at, kind, details, once) values (…), (…), …
 * on conflict do nothing — only an event with `once` can conflict (the partial unique index on
 * (message_id, once)): a device's second fetch of a message writes nothing. Compiled once per size.
 */
const insertRows = prepareSized<{ rows: readonly NewEvent[] }, never>(
  (q, { rows }) =>
    q
      .insertInto('message_events')
      .values(
        rows.map((e) => ({
          message_id: e.messageId,
          at: e.at,
          kind: e.kind,
          details: JSON.stringify(e.details),
          once: e.once ?? null,
        })),
      )
      .onConflict((oc) => oc.doNothing()),
  ({ rows }) => {
    const values: unknown[] = [];
    for (const e of rows) values.push(e.messageId, e.at, e.kind, JSON.stringify(e.details), e.once ?? null);
    return values;
  },
  ({ rows }) => rows.length,
);

/** Write `events` (any messages), 100 rows to a statement, in the caller's transaction. */
export async function insertEvents(q: Q, events: readonly NewEvent[]): Promise<void> {
  for (const part of chunks(events, ROWS_PER_INSERT)) await insertRows.run(q, { rows: part });
}

/** select … from message_events where message_id in (…) order by at, id: timelines, oldest first. */
export async function selectEvents(q: Q, messageIds: readonly number[]): Promise<MessageEvent[]> {
  if (messageIds.length === 0) return [];
  const rows = await q
    .selectFrom('message_events')
    .select(['id', 'message_id', 'at', 'kind', 'details', 'once'])
    .where('message_id', 'in', messageIds)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(
    (r) =>
      ({
        id: Number(r.id),
        messageId: Number(r.message_id),
        at: Number(r.at),
        kind: r.kind as EventKind,
        details: JSON.parse(r.details) as unknown,
        ...(r.once === null ? {} : { once: r.once }),
      }) as MessageEvent,
  );
}

/**
 * select request_id, refunded_micros from messages where id = ?: what the message's `accepted` event
 * is read from (app/timeline.ts). Undefined for a message Send Message did not store (`request_id` is
 * null: inbound messages, notices, and messages older than migration 0019, whose event is a row).
 */
export async function findAcceptance(q: Q, messageId: number): Promise<Acceptance | undefined> {
  const r = await q
    .selectFrom('messages')
    .select(['request_id', 'refunded_micros'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!r || r.request_id === null) return undefined;
  return { requestId: r.request_id === '' ? null : r.request_id, refundedMicros: Number(r.refunded_micros) };
}

/**
 * delete from message_events where id in (select id from message_events where at < ? limit ?):
 * one batch of events older than `before`, found through `message_events_at`. How many went.
 */
export async function deleteEventsBefore(q: Q, before: number, limit: number): Promise<number> {
  const r = await q
    .deleteFrom('message_events')
    .where('id', 'in', (eb) =>
      eb.selectFrom('message_events').select('id').where('at', '<', before).limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
