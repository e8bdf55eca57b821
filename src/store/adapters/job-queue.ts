/**
 * The `JobQueue` port over the outbox statements. Claims run at once (one statement per batch of
 * jobs); outcomes are batched (`Batcher`): one transaction deletes every finished job and reschedules
 * the retries, so a worker at 10,000 jobs/s commits a few hundred times a second, not 10,000.
 */
import type { JobQueue } from '../../app/delivery-ports.js';
import type { Clock, Job, JobOutcome } from '../../app/ports.js';
import { Batcher } from '../engine/batcher.js';
import type { Db } from '../engine/db.js';
import { claimDue, deleteJobs, rescheduleJob } from '../sql/outbox.js';

/** Build the job queue for `db`. */
export function makeJobQueue(db: Db, clock: Clock): JobQueue {
  const k = db.kysely;
  const outcomes = new Batcher<{ job: Job; outcome: JobOutcome }>((items) =>
    k.transaction().execute(async (trx) => {
      const gone: number[] = [];
      for (const { job, outcome } of items) {
        if ('retryAt' in outcome) await rescheduleJob(trx, job.id, outcome.retryAt);
        else gone.push(job.id);
      }
      await deleteJobs(trx, gone);
      return undefined;
    }),
  );
  let turn = 0;
  return {
    // Kinds are claimed one after the other (`claimDue`), starting with a different one each time, so a
    // backlog of deliver jobs never keeps the pushes waiting (nor the reverse).
    claim: (kinds, limit, owner, leaseMs) => {
      const start = turn++ % Math.max(1, kinds.length);
      const order = [...kinds.slice(start), ...kinds.slice(0, start)];
      // Each kind's statement commits on its own (a claim that finds nothing writes nothing, and a
      // transaction around them would count as a write to the store's fault watch, hiding a full disk).
      return claimDue(k, db.dialect, { kinds: order, limit, leaseMs, owner, now: clock.now() });
    },
    // A `recorded` outcome was written with the handler's own changes (deliver): nothing left to do.
    finish: (job, outcome) => (outcome.recorded ? Promise.resolve() : outcomes.add({ job, outcome })),
  };
}
