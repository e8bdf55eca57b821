/**
 * The first delivery attempt, made by the process that accepted the message ("answer the
 * phone with the truth"). The deliver job was inserted already leased to this process, in the accept
 * transaction, so no worker takes it meanwhile; here it is found, attempted and finished like any
 * other job. If the phone stops waiting (`delivery.waitMs`), the attempt still completes; a retry is
 * then the worker's business.
 */
import type { Deliver } from './deliver.js';
import type { JobQueue } from './delivery-ports.js';
import type { JobLease, RefusalKind } from './ports.js';

/** What the phone is told: nothing (200) or the refusal. */
export type FirstAttempt = (smsId: number) => Promise<{ refusal?: { kind: RefusalKind; reason: string } }>;

/** Build the first-attempt runner for jobs leased with `lease`. */
export function makeFirstAttempt(queue: JobQueue, deliver: Deliver, lease: JobLease): FirstAttempt {
  return async (smsId) => {
    const job = await queue.findLeased(smsId, 'deliver', lease.owner);
    if (!job) return {};
    // Give up a little before the lease ends, so no worker can take the job while we still send it.
    const a = await deliver.attempt(job, AbortSignal.timeout(Math.floor(lease.ms * 0.9)));
    await queue.finish(job, a.outcome);
    return a.refusal ? { refusal: a.refusal } : {};
  };
}
