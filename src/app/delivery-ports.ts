/**
 * Ports of the delivery engine (issue #3), kept beside `ports.ts` rather than in it so the two-way
 * branch (issue #4), which also extends `ports.ts`, merges without conflicts.
 */
import type { Job, JobKind, JobOutcome } from './ports.js';

/**
 * The outbox as a worker sees it. Claims are leases (see `store/outbox.ts`); outcomes are written in
 * batches and `finish` resolves only when its outcome is durable.
 */
export interface JobQueue {
  /** Lease up to `limit` due jobs of these kinds to `owner` for `leaseMs`. */
  claim(kinds: readonly JobKind[], limit: number, owner: string, leaseMs: number): Promise<Job[]>;
  /** Record an outcome: done and failed remove the job, retry frees it until `retryAt`. */
  finish(job: Job, outcome: JobOutcome): Promise<void>;
}
