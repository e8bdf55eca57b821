/** Statements for parts of concatenated inbound messages (migration 0010), one per function. */

import { sql } from 'kysely';
import type { PartGroup, StoredPart } from '../../app/inbound-parts.js';
import type { PartEncoding } from '../../app/ports.js';
import type { Q } from './accounts.js';

/** delete from inbound_part_groups where key = ? and joined_at is not null and expires_at <= ? */
export async function deleteForgottenGroup(q: Q, key: string, now: number): Promise<void> {
  await q
    .deleteFrom('inbound_part_groups')
    .where('key', '=', key)
    .where('joined_at', 'is not', null)
    .where('expires_at', '<=', now)
    .execute();
}

/** select 1 from inbound_part_groups where joined_at is not null and expires_at <= ? limit 1 */
export async function hasForgottenGroups(q: Q, now: number): Promise<boolean> {
  const row = await q
    .selectFrom('inbound_part_groups')
    .select('key')
    .where('joined_at', 'is not', null)
    .where('expires_at', '<=', now)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** delete from inbound_part_groups where joined_at is not null and expires_at <= ? */
export async function deleteForgottenGroups(q: Q, now: number): Promise<void> {
  await q
    .deleteFrom('inbound_part_groups')
    .where('joined_at', 'is not', null)
    .where('expires_at', '<=', now)
    .execute();
}

/**
 * insert into inbound_part_groups (…) values (…) on conflict (key) do update set total = excluded.total
 * returning created_at, joined_at. The no-op update locks an existing group's row on PostgreSQL, so two
 * instances adding parts of one group take turns and the second sees the first's part.
 */
export async function upsertGroup(
  q: Q,
  g: Omit<PartGroup, 'createdAt'>,
  now: number,
  expiresAt: number,
): Promise<{ createdAt: number; joinedAt: number | null }> {
  const row = await q
    .insertInto('inbound_part_groups')
    .values({
      key: g.key,
      carrier: g.carrier,
      from_addr: g.from,
      to_addr: g.to,
      total: g.total,
      encoding: g.encoding,
      created_at: now,
      expires_at: expiresAt,
      joined_at: null,
    })
    .onConflict((oc) => oc.column('key').doUpdateSet({ total: (eb) => eb.ref('excluded.total') }))
    .returning(['created_at', 'joined_at'])
    .executeTakeFirstOrThrow();
  return {
    createdAt: Number(row.created_at),
    joinedAt: row.joined_at === null ? null : Number(row.joined_at),
  };
}

/** insert into inbound_parts (…) values (…) on conflict do nothing: false when the part is stored already. */
export async function insertPart(
  q: Q,
  key: string,
  seq: number,
  data: Uint8Array,
  now: number,
): Promise<boolean> {
  const row = await q
    .insertInto('inbound_parts')
    .values({ group_key: key, seq, data: Buffer.from(data).toString('base64'), created_at: now })
    .onConflict((oc) => oc.columns(['group_key', 'seq']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  return row !== undefined;
}

/** select count(*) from inbound_parts where group_key = ? */
export async function countParts(q: Q, key: string): Promise<number> {
  const row = await q
    .selectFrom('inbound_parts')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('group_key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * update inbound_part_groups set joined_at = ?, expires_at = ? + (expires_at - created_at) where key = ?
 * and joined_at is null: the group is remembered one more timeout, so a part resent after the join is
 * known. False when it was joined already.
 */
export async function markJoined(q: Q, key: string, now: number): Promise<boolean> {
  const r = await q
    .updateTable('inbound_part_groups')
    .set({ joined_at: now, expires_at: sql<number>`${now} + (expires_at - created_at)` })
    .where('key', '=', key)
    .where('joined_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** delete from inbound_parts where group_key = ? returning seq, data */
export async function takeParts(q: Q, key: string): Promise<StoredPart[]> {
  const rows = await q
    .deleteFrom('inbound_parts')
    .where('group_key', '=', key)
    .returning(['seq', 'data'])
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), data: Buffer.from(r.data, 'base64') }));
}

/** select … from inbound_part_groups where joined_at is null and expires_at <= ? order by expires_at limit ? */
export async function selectExpiredGroups(q: Q, now: number, limit: number): Promise<PartGroup[]> {
  const rows = await q
    .selectFrom('inbound_part_groups')
    .select(['key', 'carrier', 'from_addr', 'to_addr', 'total', 'encoding', 'created_at'])
    .where('joined_at', 'is', null)
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    key: r.key,
    carrier: r.carrier,
    from: r.from_addr,
    to: r.to_addr,
    total: Number(r.total),
    encoding: r.encoding as PartEncoding,
    createdAt: Number(r.created_at),
  }));
}
