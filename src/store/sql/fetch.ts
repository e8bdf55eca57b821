/**
 * Fetch Messages statements, one per function. A "side" is the column that names
 * the account: `recipient_account_id` for received_smss, `sender_account_id` for sent_smss; both are
 * indexed together with `id` (migration 0001), so each statement is one index range scan.
 */

import { type Compilable, type Kysely, sql } from 'kysely';
import { CONTENT_TYPE_DISPOSITION, type FetchedMessage } from '../../domain/message.js';
import { type Prepared, prepare } from '../engine/prepared.js';
import type { Q } from './accounts.js';
import { messageSelect } from './message-columns.js';
import type { DB } from './schema.js';

/**
 * `displayed = 0` written as a literal, not a bound parameter: PostgreSQL can use the partial index
 * `messages_unread` (… where displayed = 0) only when the query's own text proves the predicate; with a
 * parameter, a prepared statement's generic plan scans the account's whole history instead (measured:
 * a caught-up fetch went from thousands to 61 requests a second on 100,000 messages).
 */
const UNREAD = sql.lit(0);

/** Which column holds the account on each side of a message. */
export type SideColumn = 'recipient_account_id' | 'sender_account_id';

/**
 * One prepared statement per side (the column is part of the SQL, the values are parameters).
 * Fetch is the app's most frequent request, so its statements are compiled once (store/engine/prepared.ts).
 */
function perSide<A, R>(
  build: (q: Kysely<DB>, side: SideColumn, args: A) => Compilable<R>,
  params: (args: A) => readonly unknown[],
): Record<SideColumn, Prepared<A, R>> {
  return {
    recipient_account_id: prepare((q, a: A) => build(q, 'recipient_account_id', a), params),
    sender_account_id: prepare((q, a: A) => build(q, 'sender_account_id', a), params),
  };
}

/** The columns of a `FetchedMessage` (only those: see its comment). */
const fetchedColumns = messageSelect([
  'id',
  'senderAccountId',
  'from',
  'to',
  'body',
  'contentType',
  'dispositionNotification',
  'displayed',
  'createdAt',
]);

type FetchedRow = Omit<FetchedMessage, 'displayed'> & { displayed: number };

const toFetched = (r: FetchedRow): FetchedMessage => ({
  id: Number(r.id),
  senderAccountId: r.senderAccountId === null ? null : Number(r.senderAccountId),
  from: r.from,
  to: r.to,
  body: r.body,
  contentType: r.contentType,
  dispositionNotification: r.dispositionNotification,
  displayed: r.displayed === 1,
  createdAt: Number(r.createdAt),
});

/** select <fetched columns> from messages where <side> = ? (the part both page statements share) */
const sideMessages = (q: Kysely<DB>, side: SideColumn, accountId: number) =>
  q.selectFrom('messages').select(fetchedColumns).where(side, '=', accountId);

interface PageArgs {
  accountId: number;
  limit: number;
}

/** A page above (or up to) an id. */
interface RangeArgs extends PageArgs {
  id: number;
}

const after = perSide(
  (q, side, a: RangeArgs) =>
    sideMessages(q, side, a.accountId).where('id', '>', a.id).orderBy('id').limit(a.limit),
  (a: RangeArgs) => [a.accountId, a.id, a.limit],
);

const newest = perSide(
  (q, side, a: PageArgs) => sideMessages(q, side, a.accountId).orderBy('id', 'desc').limit(a.limit),
  (a: PageArgs) => [a.accountId, a.limit],
);

/** Both sides' newest ids and the oldest unread received id in one statement (one round trip). */
const newestIds = prepare(
  (q, accountId: number) =>
    q.selectNoFrom((eb) => [
      eb
        .selectFrom('messages')
        .select((m) => m.fn.min('id').as('id'))
        .where('recipient_account_id', '=', accountId)
        .where('displayed', '=', UNREAD)
        .as('unread'),
      eb
        .selectFrom('messages')
        .select((m) => m.fn.max('id').as('id'))
        .where('recipient_account_id', '=', accountId)
        .as('received'),
      eb
        .selectFrom('messages')
        .select((m) => m.fn.max('id').as('id'))
        .where('sender_account_id', '=', accountId)
        .as('sent'),
    ]),
  (accountId: number) => [accountId, accountId, accountId],
);

/** Unread received messages at or below an id, oldest first (partial index messages_unread). */
const unreadUpTo = prepare(
  (q, a: RangeArgs) =>
    q
      .selectFrom('messages')
      .select(fetchedColumns)
      .where('recipient_account_id', '=', a.accountId)
      .where('displayed', '=', UNREAD)
      .where('id', '<=', a.id)
      .orderBy('id')
      .limit(a.limit),
  (a: RangeArgs) => [a.accountId, a.id, a.limit],
);

/** select … from messages where <side> = ? and id > ? order by id limit ? */
export async function selectAfter(
  q: Q,
  side: SideColumn,
  accountId: number,
  afterId: number,
  limit: number,
): Promise<FetchedMessage[]> {
  return (await after[side].run(q, { accountId, id: afterId, limit })).rows.map(toFetched);
}

/** select … from messages where <side> = ? order by id desc limit ? (newest first) */
export async function selectNewest(
  q: Q,
  side: SideColumn,
  accountId: number,
  limit: number,
): Promise<FetchedMessage[]> {
  return (await newest[side].run(q, { accountId, limit })).rows.map(toFetched);
}

/**
 * select (select min(id) from messages where recipient_account_id = ? and displayed = 0) as unread,
 *        (select max(id) from messages where recipient_account_id = ?) as received,
 *        (select max(id) from messages where sender_account_id = ?) as sent
 * Each is one probe at the end of an index (min/max optimisation on both engines; the unread one on
 * the partial index).
 */
export async function selectNewestIds(
  q: Q,
  accountId: number,
): Promise<{ received: number | undefined; sent: number | undefined; oldestUnread: number | undefined }> {
  const row = (await newestIds.run(q, accountId)).rows[0];
  const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
  return { received: num(row?.received), sent: num(row?.sent), oldestUnread: num(row?.unread) };
}

/** select … from messages where recipient_account_id = ? and displayed = 0 and id <= ? order by id limit ? */
export async function selectUnreadUpTo(
  q: Q,
  accountId: number,
  upToId: number,
  limit: number,
): Promise<FetchedMessage[]> {
  return (await unreadUpTo.run(q, { accountId, id: upToId, limit })).rows.map(toFetched);
}

/**
 * update messages set displayed = 1 where recipient_account_id = ? and id in (…) and displayed = 0.
 * By the ids returned, not an id range: a message that committed inside the range after the page was
 * read (possible on PostgreSQL, whose ids are taken before commit) must stay unread, so the next
 * fetch still returns it.
 */
export async function markDisplayed(q: Q, accountId: number, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await q
    .updateTable('messages')
    .set({ displayed: 1 })
    .where('recipient_account_id', '=', accountId)
    .where('id', 'in', ids)
    .where('displayed', '=', UNREAD)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * select count(*) from messages where recipient_account_id = ? and displayed = 0 and content_type <>
 * disposition (partial index, 0003): the push badge. Disposition notifications are never shown as
 * messages (x-acro-disposition-notification doc), so they are not unread messages either.
 */
export async function countUnread(q: Q, accountId: number): Promise<number> {
  const row = await q
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('recipient_account_id', '=', accountId)
    .where('displayed', '=', UNREAD)
    .where('content_type', '<>', CONTENT_TYPE_DISPOSITION)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
