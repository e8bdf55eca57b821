/**
 * The outbox as the metrics see it, read once per Prometheus scrape: pending jobs by kind and state,
 * and the earliest run time in each. Finished jobs are deleted (`deleteJobs`), so the table holds only
 * pending ones and one grouped scan of it stays small; it is never run on the send path.
 *
 * States, as the claim sees them (`claimDue` in sql/outbox.ts): `leased` while a worker's lease runs,
 * `due` once its run time has come and no lease holds it, `scheduled` while it waits for a retry time.
 */
import { sql } from 'kysely';
import type { Q } from './accounts.js';

/** Pending jobs of one kind in one state, and the earliest `run_at` among them (epoch ms). */
export interface OutboxStateRow {
  kind: string;
  state: 'due' | 'leased' | 'scheduled';
  jobs: number;
  oldestRunAt: number | null;
}

/**
 * select kind,
 *        case when locked_until >= :now then 'leased' when run_at <= :now then 'due' else 'scheduled' end as state,
 *        count(*) as jobs, min(run_at) as oldest
 * from jobs group by kind, state
 */
export async function outboxStates(q: Q, now: number): Promise<OutboxStateRow[]> {
  const r = await sql<{ kind: string; state: string; jobs: number | string; oldest: number | string | null }>`
    select kind,
           case when locked_until >= ${now} then 'leased' when run_at <= ${now} then 'due' else 'scheduled' end as state,
           count(*) as jobs, min(run_at) as oldest
    from jobs group by kind, state`.execute(q);
  return r.rows.map((row) => ({
    kind: row.kind,
    state: row.state as OutboxStateRow['state'],
    jobs: Number(row.jobs),
    oldestRunAt: row.oldest === null ? null : Number(row.oldest),
  }));
}
