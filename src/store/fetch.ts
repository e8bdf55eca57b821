/**
 * Fetch Messages statements, one per function (STYLE.md habit 1). A "side" is the column that names
 * the account: `recipient_account_id` for received_smss, `sender_account_id` for sent_smss; both are
 * indexed together with `id` (migration 0001), so each statement is one index range scan.
 */
import { CONTENT_TYPE_DISPOSITION, type Message } from '../domain/message.js';
import type { Q } from './accounts.js';
import { messageColumns, toMessage } from './messages.js';

/** Which column holds the account on each side of a message. */
export type SideColumn = 'recipient_account_id' | 'sender_account_id';

/** select … from messages where <side> = ? and id > ? order by id limit ? */
export async function selectAfter(
  q: Q,
  side: SideColumn,
  accountId: number,
  afterId: number,
  limit: number,
): Promise<Message[]> {
  const rows = await q
    .selectFrom('messages')
    .select(messageColumns)
    .where(side, '=', accountId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toMessage);
}

/** select … from messages where <side> = ? order by id desc limit ? (newest first) */
export async function selectNewest(
  q: Q,
  side: SideColumn,
  accountId: number,
  limit: number,
): Promise<Message[]> {
  const rows = await q
    .selectFrom('messages')
    .select(messageColumns)
    .where(side, '=', accountId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toMessage);
}

/** select max(id) from messages where <side> = ? */
export async function selectNewestId(q: Q, side: SideColumn, accountId: number): Promise<number | undefined> {
  const row = await q
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .where(side, '=', accountId)
    .executeTakeFirst();
  return row?.id === null || row?.id === undefined ? undefined : Number(row.id);
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
