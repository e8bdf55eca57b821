/**
 * The dispatcher: a lease loop that claims due jobs and runs the handler registered for each kind.
 *
 * - At most `concurrency` jobs run at once. A slot is freed only after the job's outcome is durable, so
 *   a crash can only repeat jobs that were running: at most `concurrency`. The deliver job bounds its
 *   carriers tighter (`app/deliver.ts`: at most a carrier's `maxInFlight`, the SMPP window, sent but
 *   not yet recorded), which is the crash test's bound.
 * - Claims come in batches: when the last claim filled every free slot there is a backlog, and the loop
 *   claims again as soon as a quarter of the slots are free (one claim statement per many jobs, not per
 *   job); otherwise it sleeps `pollMs`, or until `wake()` (a producer in the same process). A `wake()`
 *   during a backlog with fewer than a quarter of the slots free changes nothing.
 * - A lease must outlive a send plus its timeouts. Each claimed batch shares one AbortController that
 *   fires `leaseMarginMs` before the lease ends, so a slow handler gives up before another worker may
 *   take its job: leases are long instead of renewed (one statement fewer per job).
 * - Stop with the AbortSignal: no more claims, running jobs finish (or, after `stopGraceMs`, are aborted
 *   and report a retry, which releases their lease), and `done` resolves when every outcome is written.
 */
import { setMaxListeners } from 'node:events';
import type { JobQueue } from '../app/delivery-ports.js';
import type { Job, JobHandler, JobKind, JobOutcome } from '../app/ports.js';

/** Where the dispatcher reports trouble (a pino logger fits). */
export interface DispatcherLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How the dispatcher runs. */
export interface DispatcherOptions {
  queue: JobQueue;
  handlers: Partial<Record<JobKind, JobHandler>>;
  /** This worker's name in `jobs.locked_by` (host:pid:random). */
  owner: string;
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  /** Handlers are aborted this long before their lease ends (default leaseMs / 10). */
  leaseMarginMs?: number;
  /** After a stop, running handlers get this long before they are aborted (default 5,000). */
  stopGraceMs?: number;
  /** A handler that throws (a bug) is retried after this long (default 30,000). */
  crashRetryMs?: number;
  log?: DispatcherLog;
  now?: () => number;
}

/** A running dispatcher. */
export interface Dispatcher {
  /** Resolves when stopped and every outcome is written. */
  done: Promise<void>;
  /** Look for due jobs now instead of at the next poll. */
  wake(): void;
  /** Jobs finished so far, by outcome. */
  readonly stats: { done: number; retry: number; failed: number };
}

/** Start the lease loop; stop it with `signal`. */
export function startDispatcher(opts: DispatcherOptions, signal: AbortSignal): Dispatcher {
  const kinds = Object.keys(opts.handlers) as JobKind[];
  const now = opts.now ?? Date.now;
  const margin = opts.leaseMarginMs ?? Math.floor(opts.leaseMs / 10);
  const grace = opts.stopGraceMs ?? 5_000;
  const stats = { done: 0, retry: 0, failed: 0 };
  const controllers = new Set<AbortController>();
  let running = 0;
  let backlog = false;
  let kick: (() => void) | undefined;
  // A wake-up that came while the loop was busy is kept, so the next sleep returns at once.
  let woken = false;

  const wake = () => {
    const k = kick;
    kick = undefined;
    if (k) k();
    else woken = true;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        return resolve();
      }
      const t = setTimeout(() => wake(), ms);
      kick = () => {
        clearTimeout(t);
        resolve();
      };
    });
  signal.addEventListener('abort', wake, { once: true });

  async function runOne(job: Job, handle: JobHandler, jobSignal: AbortSignal): Promise<void> {
    let outcome: JobOutcome;
    try {
      outcome = await handle(job, jobSignal);
    } catch (err) {
      opts.log?.error({ err, jobId: job.id, kind: job.kind }, 'job handler threw; retrying later');
      outcome = { done: false, retryAt: now() + (opts.crashRetryMs ?? 30_000), error: 'internal error' };
    }
    if (outcome.done) stats.done++;
    else if ('retryAt' in outcome) stats.retry++;
    else stats.failed++;
    try {
      await opts.queue.finish(job, outcome);
    } catch (err) {
      // The lease will expire and the job runs again: at-least-once, never lost.
      opts.log?.error({ err, jobId: job.id }, 'could not record a job outcome');
    }
  }

  function launch(jobs: Job[]): void {
    const ac = new AbortController();
    // Every send of the batch listens on this one signal (undici adds a listener per request).
    setMaxListeners(0, ac.signal);
    controllers.add(ac);
    const timer = setTimeout(() => ac.abort(), Math.max(0, opts.leaseMs - margin));
    let left = jobs.length;
    for (const job of jobs) {
      const handle = opts.handlers[job.kind];
      running++;
      const work = handle
        ? runOne(job, handle, ac.signal)
        : opts.queue.finish(job, { done: false, failed: true, error: `no handler for ${job.kind}` });
      void work.finally(() => {
        running--;
        if (--left === 0) {
          clearTimeout(timer);
          controllers.delete(ac);
        }
        // Claim again once a quarter of the slots are free, or when everything has finished.
        if (backlog && (opts.concurrency - running >= Math.ceil(opts.concurrency / 4) || running === 0))
          wake();
        if (signal.aborted && running === 0) wake();
      });
    }
  }

  async function loop(): Promise<void> {
    while (!signal.aborted) {
      const free = opts.concurrency - running;
      let got = 0;
      if (free > 0) {
        woken = false;
        try {
          const jobs = await opts.queue.claim(kinds, free, opts.owner, opts.leaseMs);
          got = jobs.length;
          backlog = got === free;
          if (got > 0) launch(jobs);
        } catch (err) {
          opts.log?.warn({ err }, 'claiming jobs failed; trying again after the poll interval');
          backlog = false;
        }
      }
      if (signal.aborted) break;
      if (!backlog || got === 0 || opts.concurrency - running < Math.ceil(opts.concurrency / 4)) {
        await sleep(backlog ? opts.pollMs * 10 : opts.pollMs);
      }
    }
    // Stopping: let running jobs finish, then abort the stragglers (their outcome releases the lease).
    const hard = setTimeout(() => {
      for (const ac of controllers) ac.abort();
    }, grace);
    while (running > 0) await sleep(grace);
    clearTimeout(hard);
  }

  // A producer's wake-up (Send Message storing a job, a receipt's notice) while a backlog keeps the
  // slots busy is dropped: the loop claims again by itself once a quarter of the slots are free, in one
  // statement for many jobs. Followed, every send under saturation would cost a claim of a few jobs.
  const wakeFromOutside = () => {
    if (backlog && running > 0 && opts.concurrency - running < Math.ceil(opts.concurrency / 4)) return;
    wake();
  };

  return { done: loop(), wake: wakeFromOutside, stats };
}
