/**
 * An account's purge (`DELETE /admin/v1/accounts/{username}?purge=true`, `account remove --purge`):
 * its messages and everything that hangs off them, a batch of message ids to a transaction, then
 * the account itself. Rows with an account foreign key (numbers, push tokens, send counts) go with
 * the account by `on delete cascade`.
 *
 * "The account's messages" are those only it was a party to: sent to a carrier or received from
 * one, or sent to itself. A message between it and another account is also that account's history
 * (one row serves both sides) and stays for it, without the link, as on a plain delete.
 */
import type { Q } from './accounts.js';

/**
 * select id from messages where (sender_account_id = ? and (recipient_account_id is null or
 * recipient_account_id = ?)) or (recipient_account_id = ? and sender_account_id is null) limit ?
 */
export async function ownMessageIds(q: Q, accountId: number, limit: number): Promise<number[]> {
  const rows = await q
    .selectFrom('messages')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('sender_account_id', '=', accountId),
          eb.or([eb('recipient_account_id', 'is', null), eb('recipient_account_id', '=', accountId)]),
        ]),
        eb.and([eb('recipient_account_id', '=', accountId), eb('sender_account_id', 'is', null)]),
      ]),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}

/**
 * Delete messages `ids` and what refers to them, in the caller's transaction: their outbox jobs
 * (deliver, push, and the webhook jobs of their event webhooks), event webhooks, carrier ids and
 * timeline events. How many messages went.
 */
export async function deleteMessages(q: Q, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const hooks = q.selectFrom('webhook_events').select('id').where('message_id', 'in', ids);
  await q.deleteFrom('jobs').where('kind', '=', 'webhook').where('ref_id', 'in', hooks).execute();
  await q.deleteFrom('jobs').where('kind', 'in', ['deliver', 'push']).where('ref_id', 'in', ids).execute();
  await q.deleteFrom('webhook_events').where('message_id', 'in', ids).execute();
  await q.deleteFrom('carrier_refs').where('message_id', 'in', ids).execute();
  await q.deleteFrom('message_events').where('message_id', 'in', ids).execute();
  const r = await q.deleteFrom('messages').where('id', 'in', ids).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Delete the account's event webhooks about no message (`account.low_credit`) and their jobs, in the
 * caller's transaction.
 */
export async function deleteAccountWebhooks(q: Q, accountId: number): Promise<void> {
  const hooks = q
    .selectFrom('webhook_events')
    .select('id')
    .where('account_id', '=', accountId)
    .where('message_id', 'is', null);
  await q.deleteFrom('jobs').where('kind', '=', 'webhook').where('ref_id', 'in', hooks).execute();
  await q
    .deleteFrom('webhook_events')
    .where('account_id', '=', accountId)
    .where('message_id', 'is', null)
    .execute();
}

/** delete from accounts where id = ? (numbers, push tokens and send counts cascade) */
export async function deleteAccountById(q: Q, accountId: number): Promise<void> {
  await q.deleteFrom('accounts').where('id', '=', accountId).execute();
}
