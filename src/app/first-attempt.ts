/**
 * The first delivery attempt, made by the process that accepted the message ("answer the phone with
 * the truth"), when the carrier has room for it (`Deliver.hasCapacity`). The deliver job was inserted
 * already leased to this process, in the accept transaction, so no worker takes it meanwhile; here it
 * is found and attempted like any other job, but without reading the message back: the send has it in
 * hand. The first attempts of one turn of the event loop share their work with each other as the
 * worker's drain does: one lookup of their jobs, one burst of submits (the SMPP adapter corks a turn's
 * writes), one commit of their outcomes (the delivery store's batcher). If the phone stops waiting
 * (`delivery.waitMs`), the attempt still completes; a retry is then the worker's business.
 */
import type { Message } from '../domain/message.js';
import type { Attempt, Deliver } from './deliver.js';
import type { JobQueue } from './delivery-ports.js';
import type { Clock, JobLease, NewMessage } from './ports.js';

/** What the phone is told: nothing (200) or the refusal (a bad attachment's own coded error with it). */
export type FirstAttempt = (smsId: number, message: NewMessage) => Promise<{ refusal?: Attempt['refusal'] }>;

/** Build the first-attempt runner for jobs leased with `lease`. */
export function makeFirstAttempt(
  queue: JobQueue,
  deliver: Deliver,
  lease: JobLease,
  clock: Clock,
): FirstAttempt {
  return async (smsId, message) => {
    const job = await queue.findLeased(smsId, 'deliver', lease.owner);
    if (!job) return {};
    const now = clock.now();
    const m: Message = {
      ...message,
      id: smsId,
      carrier: null,
      carrierRef: null,
      attempts: 0,
      lastError: null,
      displayed: false,
      createdAt: now,
      updatedAt: now,
    };
    // Give up a little before the lease ends, so no worker can take the job while we still send it.
    const a = await deliver.attempt(job, AbortSignal.timeout(Math.floor(lease.ms * 0.9)), m);
    await queue.finish(job, a.outcome);
    return a.refusal ? { refusal: a.refusal } : {};
  };
}
