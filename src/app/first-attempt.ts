/**
 * The first delivery attempt, made by the process that accepted the message ("answer the phone with
 * the truth"), when the carrier has room for it (`Deliver.hasCapacity`). The deliver job was inserted
 * already leased to this process, in the accept transaction, so no worker takes it meanwhile, and the
 * accept told its id (`MessageAcceptor.acceptLeased`); here it is attempted like any other job, but
 * without reading anything back: the send has the message and its job in hand. The first attempts of
 * one turn of the event loop share their work with each other as the worker's drain does: one burst
 * of submits (the SMPP adapter corks a turn's writes), one commit of their outcomes (the delivery
 * store's batcher). If the phone stops waiting (`delivery.waitMs`), the attempt still completes; a
 * retry is then the worker's business.
 *
 * When the phone hears: as soon as a carrier took the message, before the `sent` outcome is durable.
 * The message itself was durable before the attempt began, so the 200 promises nothing a crash could
 * take back: a crash before the outcome's commit can only send it once more (the crash bound,
 * docs/delivery.md). A refusal is told only once its failure, refund and bounce are durable, so the
 * phone never hears "refused" of a message a worker could still send. Waiting for the outcome's
 * commit (up to the batch gap, then an fdatasync) doubled a first attempt's time to the phone, and
 * with it the time each of the phone's connections stayed busy.
 */
import type { Message } from '../domain/message.js';
import type { Attempt, Deliver } from './deliver.js';
import type { JobQueue } from './delivery-ports.js';
import type { Clock, Job, JobLease, NewMessage } from './ports.js';

/** What the phone is told: nothing (200) or the refusal (a bad attachment's own coded error with it). */
export type FirstAttempt = (job: Job, message: NewMessage) => Promise<{ refusal?: Attempt['refusal'] }>;

/** Where a first attempt that failed after the phone was answered is reported (a pino logger fits). */
export interface FirstAttemptLog {
  error(obj: object, msg: string): void;
}

/**
 * One AbortSignal for the first attempts of a short while: each gives up a little before its lease
 * ends (at 90 % of it, so no worker takes the job while it is still being sent), and the attempts that
 * share a signal started at most `min(1 s, 5 % of the lease)` after it, so none gets less than 85 % of
 * its lease. `AbortSignal.timeout` per attempt cost a timer, a weak reference and its bookkeeping for
 * every off-net send (about 2 % of its CPU).
 */
function sharedDeadline(leaseMs: number, clock: Clock): () => AbortSignal {
  const timeout = Math.floor(leaseMs * 0.9);
  const share = Math.min(1_000, Math.floor(leaseMs * 0.05));
  let signal: AbortSignal | undefined;
  let until = 0;
  return () => {
    const now = clock.now();
    if (!signal || now >= until) {
      signal = AbortSignal.timeout(timeout);
      until = now + share;
    }
    return signal;
  };
}

/** Build the first-attempt runner for jobs leased with `lease`. */
export function makeFirstAttempt(
  queue: JobQueue,
  deliver: Deliver,
  lease: JobLease,
  clock: Clock,
  log?: FirstAttemptLog,
): FirstAttempt {
  const deadline = sharedDeadline(lease.ms, clock);
  return (job, message) =>
    new Promise((resolve, reject) => {
      let answered = false;
      const answer = (r: { refusal?: Attempt['refusal'] }) => {
        answered = true;
        resolve(r);
      };
      const run = async () => {
        const now = clock.now();
        // Field by field, not `{ ...message, id, … }`: on Node 20 (V8 11) an object spread followed by
        // properties the spread object lacks takes V8's slow path, 7-8 µs here against 35 ns for this
        // literal (docs/benchmarks.md, "Object spreads on the hot path").
        const m: Message = {
          id: job.refId,
          senderAccountId: message.senderAccountId,
          recipientAccountId: message.recipientAccountId,
          from: message.from,
          to: message.to,
          toRaw: message.toRaw,
          body: message.body,
          contentType: message.contentType,
          dispositionNotification: message.dispositionNotification,
          status: message.status,
          segments: message.segments,
          chargeMicros: message.chargeMicros,
          carrier: null,
          carrierRef: null,
          attempts: 0,
          lastError: null,
          displayed: false,
          createdAt: now,
          updatedAt: now,
        };
        const a = await deliver.attempt(job, deadline(), m, () => answer({}));
        await queue.finish(job, a.outcome);
        answer(a.refusal ? { refusal: a.refusal } : {});
      };
      run().catch((err: unknown) => {
        // Before the answer: the caller decides (the phone gets its 200, the lease runs out, a worker
        // tries again). After it: nobody is waiting, so it is logged here.
        if (!answered) return reject(err);
        log?.error({ err, smsId: job.refId }, 'recording a first attempt failed; a worker will try it again');
      });
    });
}

/**
 * Sends that found their carrier without room (its window full) but with its link up: the phone is
 * answered as soon as the message is durable, as for any send without room, and this process keeps the
 * message in hand and makes its first attempt in the background, queued behind the window, instead of
 * leaving it for the worker. The worker would claim the job (an UPDATE of its row and index entry) and
 * read the message back, one statement each per batch; in hand, the job was inserted already leased
 * and the message is not read again (docs/benchmarks.md, "Sends without room kept in hand").
 *
 * At most `max` at once (a send leaves the hand when its carrier took it or its attempt ended; what
 * follows, its outcome's commit, is bounded by the carrier's own limit): past it a send is left due for
 * the worker as before, so a long saturation never piles up in memory or outlives its leases in the
 * window's queue. The phone never waits for these; a refusal becomes a bounce notice, as for every
 * send answered before its attempt.
 */
export interface HandOff {
  /** Whether one more send can be kept in hand now. */
  hasRoom(): boolean;
  /** Attempt `message` in the background; `job` is its deliver job, inserted leased. */
  give(job: Job, message: NewMessage): void;
  /** Resolves once every send in hand has settled, or after `ms` (a graceful stop). */
  settled(ms: number): Promise<void>;
}

export function makeHandOff(first: FirstAttempt, max: number): HandOff {
  const inHand = new Set<Promise<unknown>>();
  return {
    hasRoom: () => inHand.size < max,
    give(job, message) {
      // A failure before the outcome was written (a database hiccup) leaves the job leased: its lease
      // runs out and a worker tries it again. After the answer, makeFirstAttempt logs it itself.
      const p: Promise<unknown> = first(job, message)
        .catch(() => undefined)
        .finally(() => inHand.delete(p));
      inHand.add(p);
    },
    async settled(ms) {
      if (inHand.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inHand]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ms);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
