/**
 * The columns of `messages`, declared once: how each is read into a `Message`, and how a new message
 * fills it. Every statement that inserts or reads whole messages is generated from this table: the
 * Kysely row of an insert (`messageRow`) and its values in bound order (`pushMessageValues`), the select
 * list (`messageColumns`), and the PostgreSQL accept statements' hand-written SQL (store/sql/accept-pg.ts,
 * store/sql/accept-pg-batch.ts: their column lists, placeholders and casts).
 *
 * To add a column: a migration (store/migrations/), its type in store/sql/schema.ts, and one line here
 * (in `Message` and `NewMessage` too when the use-cases see it). Nothing else names the columns of a
 * message insert; test/store/message-columns.test.ts stores and reads back every one on both engines.
 */
import type { NewMessage } from '../../app/ports.js';
import type { Message } from '../../domain/message.js';
import type { MessagesTable } from './schema.js';

/** The statement's own time (epoch ms): `created_at`, `updated_at`. */
export const NOW = Symbol('now');

/** How an insert fills a column: from the new message, the statement's time, or a constant. */
export type Fill = ((m: NewMessage) => unknown) | typeof NOW | number;

interface Column {
  column: keyof MessagesTable;
  /** The `Message` field it is read into; absent for a column no use-case reads back (`smart`). */
  field?: keyof Message;
  /** How a new message fills it; absent for a column an insert leaves to its default or to later writes. */
  insert?: Fill;
  /** Its PostgreSQL type, for the casts of hand-written SQL (`$3::text`, `unnest($3::text[])`). */
  pg: 'integer' | 'bigint' | 'text';
}

export const MESSAGE_COLUMNS = [
  { column: 'id', field: 'id', pg: 'bigint' },
  { column: 'sender_account_id', field: 'senderAccountId', pg: 'integer', insert: (m) => m.senderAccountId },
  {
    column: 'recipient_account_id',
    field: 'recipientAccountId',
    pg: 'integer',
    insert: (m) => m.recipientAccountId,
  },
  { column: 'from_addr', field: 'from', pg: 'text', insert: (m) => m.from },
  { column: 'to_addr', field: 'to', pg: 'text', insert: (m) => m.to },
  { column: 'to_raw', field: 'toRaw', pg: 'text', insert: (m) => m.toRaw },
  { column: 'body', field: 'body', pg: 'text', insert: (m) => m.body },
  { column: 'content_type', field: 'contentType', pg: 'text', insert: (m) => m.contentType },
  {
    column: 'disposition_notification',
    field: 'dispositionNotification',
    pg: 'text',
    insert: (m) => m.dispositionNotification,
  },
  { column: 'smart', pg: 'integer', insert: (m) => (m.smart ? 1 : 0) },
  { column: 'status', field: 'status', pg: 'text', insert: (m) => m.status },
  { column: 'segments', field: 'segments', pg: 'integer', insert: (m) => m.segments },
  { column: 'charge_micros', field: 'chargeMicros', pg: 'bigint', insert: (m) => m.chargeMicros },
  { column: 'carrier', field: 'carrier', pg: 'text' },
  { column: 'carrier_ref', field: 'carrierRef', pg: 'text' },
  { column: 'attempts', field: 'attempts', pg: 'integer', insert: 0 },
  { column: 'last_error', field: 'lastError', pg: 'text' },
  { column: 'displayed', field: 'displayed', pg: 'integer', insert: 0 },
  { column: 'created_at', field: 'createdAt', pg: 'bigint', insert: NOW },
  { column: 'updated_at', field: 'updatedAt', pg: 'bigint', insert: NOW },
  // Send Message's request (`''` without one), for the timeline's `accepted` event (app/timeline.ts);
  // null for every other message. Read by the timeline alone (store/sql/events.ts `findAcceptance`).
  { column: 'request_id', pg: 'text', insert: (m) => m.requestId ?? null },
  // The charge a refusal or a give-up moved off the message (store/sql/delivery.ts `markFailedBeforeSend`);
  // 0 at insert (its default). Read by the timeline alone.
  { column: 'refunded_micros', pg: 'bigint' },
] as const satisfies readonly Column[];

type Declared = (typeof MESSAGE_COLUMNS)[number];
type Inserted = Extract<Declared, { insert: Fill }>;
type Read = Extract<Declared, { field: string }>;

/** A column a new message fills, in insert order. */
export interface InsertColumn {
  column: Inserted['column'];
  insert: Fill;
  pg: Column['pg'];
}

/** The columns an insert fills, in the order their values are bound. */
export const INSERT_COLUMNS: readonly InsertColumn[] = MESSAGE_COLUMNS.filter(
  (c): c is Inserted => 'insert' in c,
);

/** A new message's row as Kysely inserts it. */
export type MessageRow = { [K in Inserted['column']]: MessagesTable[K] };

const fill = (f: Fill, m: NewMessage, now: number): unknown =>
  f === NOW ? now : typeof f === 'number' ? f : f(m);

/**
 * A new message's row, its keys in `INSERT_COLUMNS` order (Kysely binds an insert's values in key
 * order, so `pushMessageValues` gives the same values in the same order; store/engine/prepared.ts checks it).
 */
export function messageRow(m: NewMessage, now: number): MessageRow {
  const row: Record<string, unknown> = {};
  for (const c of INSERT_COLUMNS) row[c.column] = fill(c.insert, m, now);
  return row as MessageRow;
}

/** Append a new message's values to `out`, in `INSERT_COLUMNS` order (a multi-row insert's parameters). */
export function pushMessageValues(out: unknown[], m: NewMessage, now: number): void {
  for (const c of INSERT_COLUMNS) out.push(fill(c.insert, m, now));
}

/** A new message's values in `INSERT_COLUMNS` order (one row's parameters). */
export function messageValues(m: NewMessage, now: number): unknown[] {
  const out: unknown[] = [];
  pushMessageValues(out, m, now);
  return out;
}

/** `column as field` for each column a `Message` reads, typed for Kysely's `select`. */
type Selected<C> = C extends { column: infer K extends string; field: infer F extends string }
  ? K extends F
    ? K
    : `${K} as ${F}`
  : never;

/** The select list of the given `Message` fields, in declared order, typed for Kysely's `select`. */
export function messageSelect<F extends Read['field']>(
  fields: readonly F[],
): ReadonlyArray<Selected<Extract<Read, { field: F }>>> {
  const wanted = new Set<string>(fields);
  return MESSAGE_COLUMNS.flatMap((c) =>
    'field' in c && wanted.has(c.field)
      ? [c.column === c.field ? c.column : `${c.column} as ${c.field}`]
      : [],
  ) as unknown as ReadonlyArray<Selected<Extract<Read, { field: F }>>>;
}

/** The select list of a whole `Message` (see `toMessage` in store/sql/messages.ts). */
export const messageColumns = messageSelect(MESSAGE_COLUMNS.flatMap((c) => ('field' in c ? [c.field] : [])));
