/**
 * The admin API's message search: `listMessagesQuery` (the CLI's `messages list`: by account, by
 * status through the partial index messages_status) with a cursor, a number, a direction and a time
 * range added. Newest first; a page continues below the last id of the one before.
 */
import type { Message, MessageStatus } from '../../domain/message.js';
import type { Q } from './accounts.js';
import { listMessagesQuery, toMessage } from './messages.js';

/** Which messages a search finds (every field narrows it). */
export interface MessageSearch {
  accountId?: number;
  /** Sender or recipient address, exactly as stored (E.164 or an extension). */
  number?: string;
  status?: MessageStatus;
  /** inbound: from a carrier; outbound: to a carrier; on-net: between two accounts. */
  direction?: 'inbound' | 'outbound' | 'on-net';
  /** created_at from (inclusive) and to (exclusive), epoch ms. */
  since?: number;
  until?: number;
  /** Only ids below this (the cursor). */
  before?: number;
  limit: number;
}

/**
 * select … from messages where [sender_account_id = :a or recipient_account_id = :a] [and status = ?]
 * [and id < :before] [and (from_addr = :n or to_addr = :n)] [and direction's null test]
 * [and created_at >= :since] [and created_at < :until] order by id desc limit ?
 *
 * By account it walks messages_sender and messages_recipient, by an open status the partial index
 * messages_status, otherwise the primary key backwards from the cursor: a number or a time range
 * filters the rows on the way (no index of its own, so sends pay for none; docs/admin-api.md).
 */
export function searchMessagesQuery(q: Q, f: MessageSearch) {
  let query = listMessagesQuery(q, {
    ...(f.accountId === undefined ? {} : { accountId: f.accountId }),
    ...(f.status === undefined ? {} : { status: f.status }),
    limit: f.limit,
  });
  if (f.before !== undefined) query = query.where('id', '<', f.before);
  if (f.number !== undefined) {
    const n = f.number;
    query = query.where((eb) => eb.or([eb('from_addr', '=', n), eb('to_addr', '=', n)]));
  }
  if (f.direction === 'inbound') query = query.where('sender_account_id', 'is', null);
  if (f.direction === 'outbound') query = query.where('recipient_account_id', 'is', null);
  if (f.direction === 'on-net') {
    query = query.where('sender_account_id', 'is not', null).where('recipient_account_id', 'is not', null);
  }
  if (f.since !== undefined) query = query.where('created_at', '>=', f.since);
  if (f.until !== undefined) query = query.where('created_at', '<', f.until);
  return query;
}

export async function searchMessages(q: Q, f: MessageSearch): Promise<Message[]> {
  return (await searchMessagesQuery(q, f).execute()).map(toMessage);
}
