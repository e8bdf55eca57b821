/**
 * What the admin API's carrier state reads from the store: recent submits and failures per carrier,
 * each carrier's last error, and the deliver queue's depth and oldest due job.
 */
import { sql } from 'kysely';
import type { CarrierCounts } from '../../app/carrier-state.js';
import type { Q } from './accounts.js';

/**
 * select id from messages where created_at < :since order by id desc limit 1 (the newest message older
 * than the window: ids grow with time, so every later id is in it); then
 * select carrier, count(*) filter …, … from messages where id > :floor and carrier is not null group by carrier;
 * Both walk the primary key over the window only, so the cost is the last 15 minutes' messages.
 */
export async function carrierCounts(q: Q, now: number): Promise<CarrierCounts[]> {
  const since15 = now - 15 * 60_000;
  const since5 = now - 5 * 60_000;
  const floor = await q
    .selectFrom('messages')
    .select('id')
    .where('created_at', '<', since15)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const rows = await q
    .selectFrom('messages')
    .select([
      'carrier',
      sql<number>`sum(case when created_at >= ${since5} then 1 else 0 end)`.as('s5'),
      sql<number>`sum(case when created_at >= ${since5} and status = 'failed' then 1 else 0 end)`.as('f5'),
      sql<number>`sum(case when created_at >= ${since15} then 1 else 0 end)`.as('s15'),
      sql<number>`sum(case when created_at >= ${since15} and status = 'failed' then 1 else 0 end)`.as('f15'),
    ])
    .where('id', '>', floor === undefined ? 0 : Number(floor.id))
    .where('carrier', 'is not', null)
    .groupBy('carrier')
    .execute();
  const errors = await q
    .selectFrom('messages')
    .select(['carrier', 'last_error', 'updated_at'])
    .where('id', '>', floor === undefined ? 0 : Number(floor.id))
    .where('carrier', 'is not', null)
    .where('last_error', 'is not', null)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => {
    const e = errors.find((x) => x.carrier === r.carrier);
    return {
      carrier: r.carrier!,
      submits5m: Number(r.s5),
      failures5m: Number(r.f5),
      submits15m: Number(r.s15),
      failures15m: Number(r.f15),
      lastError: e?.last_error ?? null,
      lastErrorAt: e ? Number(e.updated_at) : null,
    };
  });
}

/** select count(*), min(run_at) from jobs where kind = 'deliver' and run_at <= :now (the jobs_due index) */
export async function deliverQueue(q: Q, now: number): Promise<{ due: number; oldestDueAt: number | null }> {
  const r = await q
    .selectFrom('jobs')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('run_at').as('oldest')])
    .where('kind', '=', 'deliver')
    .where('run_at', '<=', now)
    .executeTakeFirstOrThrow();
  return { due: Number(r.n), oldestDueAt: r.oldest === null ? null : Number(r.oldest) };
}
