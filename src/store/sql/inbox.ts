/** Statements for messages that arrive from outside a Send Message call (carriers, receipts). */
import type { NewMessage } from '../../app/ports.js';
import type { Q } from './accounts.js';
import { messageRow } from './message-columns.js';

/**
 * insert into messages (…, inbound_key) values (…) on conflict (inbound_key) where inbound_key is not
 * null do nothing returning id (the unique index is partial: migration 0008).
 * Undefined when a message with that key is already stored (a carrier's retry).
 */
export async function insertKeyedMessage(
  q: Q,
  m: NewMessage,
  key: string,
  now: number,
): Promise<number | undefined> {
  const row = await q
    .insertInto('messages')
    .values({ ...messageRow(m, now), inbound_key: key })
    .onConflict((oc) => oc.column('inbound_key').where('inbound_key', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.id);
}

/** select id from messages where inbound_key = ? */
export async function findIdByInboundKey(q: Q, key: string): Promise<number | undefined> {
  const row = await q.selectFrom('messages').select('id').where('inbound_key', '=', key).executeTakeFirst();
  return row === undefined ? undefined : Number(row.id);
}
