/**
 * Outbox statements, one per function (as graphile-worker's `src/sql/*`).
 *
 * A job is *leased*, never locked across a send: `locked_by` names the worker and `locked_until` is
 * when the lease ends. A worker that dies simply stops renewing; once `locked_until` has passed the job
 * is due again and any worker claims it (a crashed worker's lease expires). `attempts`
 * counts claims, so a job that crashes its worker every time still reaches the give-up limit.
 *
 * Dialects: the claim is one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`. SQLite serialises
 * writers on the database lock, so two processes can never claim one row. PostgreSQL runs them at once,
 * so the inner select takes `FOR UPDATE SKIP LOCKED`: a second claimer skips rows the first is taking
 * instead of waiting and then re-claiming them.
 *
 * Order: jobs that share an `order_key` (event webhooks: one endpoint and one message, or one account)
 * run one at a time, oldest first: the claim skips a job while a job of its key with a smaller id is
 * still in the table (pending, retrying or running). A job leaves the table only once it is done or
 * given up, so a later event is never posted before an earlier one of its key has been delivered or
 * given up. The check is one search of the partial index `jobs_order (order_key, id)` per due job with
 * a key; jobs without a key (deliver, push) skip it at `order_key is null`.
 */
import { sql } from 'kysely';
import type { Job, JobKind } from '../../app/ports.js';
import { inLists } from '../engine/batcher.js';
import type { Dialect } from '../engine/db.js';
import { prepare, prepareSized } from '../engine/prepared.js';
import type { Q } from './accounts.js';

const jobColumns = ['id', 'kind', 'ref_id as refId', 'attempts'] as const;

type JobRow = { id: number; kind: string; refId: number; attempts: number };

/** Row → Job; `attempts` in the row already counts this claim, the Job reports those before it. */
const toJob = (r: JobRow): Job => ({
  id: Number(r.id),
  kind: r.kind as JobKind,
  refId: Number(r.refId),
  attempts: Number(r.attempts) - 1,
});

/** What `claimDue` needs. */
export interface ClaimSpec {
  kinds: readonly JobKind[];
  limit: number;
  leaseMs: number;
  now: number;
  owner: string;
}

/**
 * For each kind in turn, while the limit is not reached:
 * update jobs set locked_by = :owner, locked_until = run_at = :now + :leaseMs, attempts = attempts + 1
 * where id in (select id from jobs where kind = :kind and run_at <= :now
 *              and (locked_until is null or locked_until < :now)
 *              and (order_key is null or not exists (select 1 from jobs as earlier
 *                   where earlier.order_key = jobs.order_key and earlier.id < jobs.id))
 *              order by run_at limit :left [for update skip locked])
 * returning id, kind, ref_id, attempts
 *
 * One kind per statement: with `kind in (…) order by run_at` the database must sort every due job of
 * those kinds to find the oldest few (SQLite: "USE TEMP B-TREE FOR ORDER BY"), which under a backlog
 * of 10,000 messages made each claim cost as much as the sends it claimed. One kind walks the
 * `jobs_due (kind, run_at)` index in order and stops at the limit. Callers rotate the order of the
 * kinds (`store/adapters/job-queue.ts`), so a backlog of one kind never starves another. Each
 * statement is atomic on its own; no transaction is needed around them.
 *
 * A claim also moves `run_at` to the end of the lease (so does an insert born leased), so the jobs
 * being worked on leave the index range `run_at <= :now` at once: the search for due jobs no longer
 * walks past every job in flight (up to `delivery.concurrency`, all at the oldest `run_at`) and reads
 * its row to see the lease, which made a claim cost ~45 µs per job under a backlog. A lease that runs
 * out (a crashed worker) is due again by `run_at` alone; `locked_until` is kept for rows leased by
 * earlier versions.
 */
export async function claimDue(q: Q, dialect: Dialect, c: ClaimSpec): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const kind of c.kinds) {
    const left = c.limit - jobs.length;
    if (left <= 0) break;
    const { rows } = await (dialect === 'postgres' ? claimPg : claimSqlite).run(q, { kind, left, ...c });
    for (const r of rows) jobs.push(toJob(r));
  }
  return jobs;
}

type ClaimOne = ClaimSpec & { kind: JobKind; left: number };

const claimOf = (postgres: boolean) =>
  prepare(
    (q, c: ClaimOne) =>
      q
        .updateTable('jobs')
        .set((eb) => ({
          locked_by: c.owner,
          locked_until: c.now + c.leaseMs,
          run_at: c.now + c.leaseMs,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', 'in', (eb) => {
          const due = eb
            .selectFrom('jobs')
            .select('id')
            .where('kind', '=', c.kind)
            .where('run_at', '<=', c.now)
            .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', c.now)]))
            .where(
              sql<boolean>`(order_key is null or not exists (select 1 from jobs as earlier
                where earlier.order_key = jobs.order_key and earlier.id < jobs.id))`,
            )
            .orderBy('run_at')
            .limit(c.left);
          return postgres ? due.forUpdate().skipLocked() : due;
        })
        .returning(jobColumns),
    (c) => [c.owner, c.now + c.leaseMs, c.now + c.leaseMs, 1, c.kind, c.now, c.now, c.left],
  );
const claimSqlite = claimOf(false);
const claimPg = claimOf(true);

/**
 * delete from jobs where id in (:ids): the job is done, or gave up for good. Any number of ids: one
 * statement per 500, so no statement binds more parameters than an engine allows.
 */
export async function deleteJobs(q: Q, ids: readonly number[]): Promise<void> {
  for (const part of inLists(ids, 512)) await deleteById.run(q, part);
}

const deleteById = prepareSized(
  (q, ids: readonly number[]) => q.deleteFrom('jobs').where('id', 'in', ids),
  (ids) => ids,
  (ids) => ids.length,
);

/** delete from jobs where ref_id = :refId and kind = :kind (every job of one message) */
export async function deleteJobsOf(q: Q, refId: number, kind: JobKind): Promise<void> {
  await q.deleteFrom('jobs').where('ref_id', '=', refId).where('kind', '=', kind).execute();
}

/**
 * update jobs set run_at = :runAt, locked_by = null, locked_until = null where id = :id
 * (retry later; releasing the lease also serves a stopping worker that hands its jobs back).
 */
export async function rescheduleJob(q: Q, id: number, runAt: number): Promise<void> {
  await q
    .updateTable('jobs')
    .set({ run_at: runAt, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .execute();
}

/** insert into jobs (kind, ref_id, run_at, attempts, created_at) values (…) (operator's retry) */
export async function insertJob(q: Q, kind: JobKind, refId: number, now: number): Promise<void> {
  await q
    .insertInto('jobs')
    .values({ kind, ref_id: refId, run_at: now, attempts: 0, created_at: now })
    .execute();
}
