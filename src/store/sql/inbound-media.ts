/** Statements for inbound picture messages held while their media is fetched (migration 0018). */
import type { Q } from './accounts.js';

/** A held message as stored: the message and the media list are JSON. */
export interface HeldRow {
  id: number;
  inboundKey: string;
  message: string;
  media: string;
  createdAt: number;
}

/**
 * insert into inbound_media (inbound_key, message, media, created_at) values (?, ?, ?, ?)
 * on conflict (inbound_key) do nothing returning id. Undefined when that key is already held.
 */
export async function insertHeld(
  q: Q,
  row: Omit<HeldRow, 'id' | 'createdAt'>,
  now: number,
): Promise<number | undefined> {
  const r = await q
    .insertInto('inbound_media')
    .values({ inbound_key: row.inboundKey, message: row.message, media: row.media, created_at: now })
    .onConflict((oc) => oc.column('inbound_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r === undefined ? undefined : Number(r.id);
}

/** select id, inbound_key, message, media, created_at from inbound_media where id = ? */
export async function selectHeld(q: Q, id: number): Promise<HeldRow | undefined> {
  const r = await q
    .selectFrom('inbound_media')
    .select(['id', 'inbound_key', 'message', 'media', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r === undefined
    ? undefined
    : {
        id: Number(r.id),
        inboundKey: r.inbound_key,
        message: r.message,
        media: r.media,
        createdAt: Number(r.created_at),
      };
}

/** delete from inbound_media where id = ? */
export async function deleteHeld(q: Q, id: number): Promise<void> {
  await q.deleteFrom('inbound_media').where('id', '=', id).execute();
}
