/**
 * Fetch Messages statements, one per function (STYLE.md habit 1). A "side" is the column that names
 * the account: `recipient_account_id` for received_smss, `sender_account_id` for sent_smss; both are
 * indexed together with `id` (migration 0001), so each statement is one index range scan.
 */

import type { Compilable, Kysely } from 'kysely';
import { CONTENT_TYPE_DISPOSITION, type FetchedMessage } from '../domain/message.js';
import type { Q } from './accounts.js';
import { type Prepared, prepare } from './prepared.js';
import type { DB } from './schema.js';

/** Which column holds the account on each side of a message. */
export type SideColumn = 'recipient_account_id' | 'sender_account_id';

/**
 * One prepared statement per side (the column is part of the SQL, the values are parameters).
 * Fetch is the app's most frequent request, so its statements are compiled once (prepared.ts).
 */
function perSide<A, R>(
  build: (q: Kysely<DB>, side: SideColumn) => Compilable<R>,
  params: (args: A) => readonly unknown[],
): Record<SideColumn, Prepared<A, R>> {
  return {
    recipient_account_id: prepare((q) => build(q, 'recipient_account_id'), params),
    sender_account_id: prepare((q) => build(q, 'sender_account_id'), params),
  };
}

/** The columns of a `FetchedMessage` (only those: see its comment). */
const fetchedColumns = [
  'id',
  'sender_account_id as senderAccountId',
  'from_addr as from',
  'to_addr as to',
  'body',
  'content_type as contentType',
  'disposition_notification as dispositionNotification',
  'displayed',
  'created_at as createdAt',
] as const;

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
const sideMessages = (q: Kysely<DB>, side: SideColumn) =>
  q.selectFrom('messages').select(fetchedColumns).where(side, '=', 0);

interface PageArgs {
  accountId: number;
  afterId?: number;
  limit: number;
}

const after = perSide(
  (q, side) => sideMessages(q, side).where('id', '>', 0).orderBy('id').limit(1),
  (a: PageArgs) => [a.accountId, a.afterId, a.limit],
);

const newest = perSide(
  (q, side) => sideMessages(q, side).orderBy('id', 'desc').limit(1),
  (a: PageArgs) => [a.accountId, a.limit],
);

/** Both sides' newest ids in one statement (one round trip on PostgreSQL). */
const newestIds = prepare(
  (q) =>
    q.selectNoFrom((eb) => [
      eb
        .selectFrom('messages')
        .select((m) => m.fn.max('id').as('id'))
        .where('recipient_account_id', '=', 0)
        .as('received'),
      eb
        .selectFrom('messages')
        .select((m) => m.fn.max('id').as('id'))
        .where('sender_account_id', '=', 0)
        .as('sent'),
    ]),
  (accountId: number) => [accountId, accountId],
);

/** select … from messages where <side> = ? and id > ? order by id limit ? */
export async function selectAfter(
  q: Q,
  side: SideColumn,
  accountId: number,
  afterId: number,
  limit: number,
): Promise<FetchedMessage[]> {
  return (await after[side].run(q, { accountId, afterId, limit })).rows.map(toFetched);
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
 * select (select max(id) from messages where recipient_account_id = ?) as received,
 *        (select max(id) from messages where sender_account_id = ?) as sent
 * Each is one probe at the end of its side's index (min/max optimisation on both engines).
 */
export async function selectNewestIds(
  q: Q,
  accountId: number,
): Promise<{ received: number | undefined; sent: number | undefined }> {
  const row = (await newestIds.run(q, accountId)).rows[0];
  const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));
  return { received: num(row?.received), sent: num(row?.sent) };
}

/** update messages set displayed = 1 where recipient_account_id = ? and id between ? and ? and displayed = 0 */
export async function markDisplayed(q: Q, accountId: number, fromId: number, toId: number): Promise<number> {
  const r = await q
    .updateTable('messages')
    .set({ displayed: 1 })
    .where('recipient_account_id', '=', accountId)
    .where('id', '>=', fromId)
    .where('id', '<=', toId)
    .where('displayed', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * select count(*) from messages where recipient_account_id = ? and displayed = 0 and content_type <>
 * disposition (partial index, 0003): the push badge. Disposition notifications are never shown as
 * messages (protocol notes §6), so they are not unread messages either.
 */
export async function countUnread(q: Q, accountId: number): Promise<number> {
  const row = await q
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('recipient_account_id', '=', accountId)
    .where('displayed', '=', 0)
    .where('content_type', '<>', CONTENT_TYPE_DISPOSITION)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
