/** Messages per minute by direction and status over a time range (the admin API's charts). */
import { sql } from 'kysely';
import type { Q } from './accounts.js';

export interface MinuteCount {
  /** The minute's start, epoch ms. */
  minute: number;
  direction: 'inbound' | 'outbound' | 'on-net';
  status: string;
  count: number;
}

/**
 * select id from messages where created_at < :from order by id desc limit 1 (ids grow with time: the
 * range starts after it); then
 * select created_at / 60000 as m, <direction>, status, count(*) from messages
 * where id > :floor and created_at >= :from and created_at < :to group by m, direction, status order by m
 * A walk of the primary key over the range, not of the table.
 */
export async function messagesPerMinute(q: Q, from: number, to: number): Promise<MinuteCount[]> {
  const floor = await q
    .selectFrom('messages')
    .select('id')
    .where('created_at', '<', from)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const direction = sql<string>`case when sender_account_id is null then 'inbound' when recipient_account_id is null then 'outbound' else 'on-net' end`;
  const rows = await q
    .selectFrom('messages')
    .select([
      sql<number>`created_at / 60000`.as('m'),
      direction.as('direction'),
      'status',
      (eb) => eb.fn.countAll().as('n'),
    ])
    .where('id', '>', floor === undefined ? 0 : Number(floor.id))
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy([sql`created_at / 60000`, direction, 'status'])
    .orderBy(sql`created_at / 60000`)
    .execute();
  return rows.map((r) => ({
    minute: Number(r.m) * 60_000,
    direction: r.direction as MinuteCount['direction'],
    status: r.status,
    count: Number(r.n),
  }));
}
