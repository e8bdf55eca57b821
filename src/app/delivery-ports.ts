/**
 * Ports of the delivery engine (the outbox, the delivery store), beside `ports.ts`: only the deliver
 * job, receipts and the dispatcher use them.
 */
import type { Message } from '../domain/message.js';
import type { NewEvent } from '../domain/timeline.js';
import type { NotifiedMessage } from './dispositions.js';
import type { DeliveryReceipt, Job, JobKind, JobOutcome, NewMessage } from './ports.js';

/**
 * The outbox as a worker sees it. Claims are leases (see `store/sql/outbox.ts`); outcomes are written in
 * batches and `finish` resolves only when its outcome is durable.
 */
export interface JobQueue {
  /** Lease up to `limit` due jobs of these kinds to `owner` for `leaseMs`. */
  claim(kinds: readonly JobKind[], limit: number, owner: string, leaseMs: number): Promise<Job[]>;
  /** Record an outcome: done and failed remove the job, retry frees it until `retryAt`. */
  finish(job: Job, outcome: JobOutcome): Promise<void>;
}

/** The sender of a message as routing sees it (`domain/routing.ts`). */
export interface SenderInfo {
  username: string;
  numbers: string[];
}

/** A message that failed for good before any carrier took it. */
export interface FailedSend {
  messageId: number;
  /** The carrier's reason (or ours: no route, gave up). Stored in `last_error`. */
  error: string;
  carrier: string | null;
  /** Attempts to add to the message's count (1 for a refusal, 0 when giving up after retries). */
  counted: number;
  /** A bounce notice for the sender's inbox, with the jobs it needs (push). */
  bounce?: { message: NewMessage; jobs: readonly JobKind[] };
  /** The charge given back: its `refund` event is written when the message moved to `failed`. */
  refundMicros?: number;
  /** Timeline events written with the outcome (routed, attempts). */
  events?: readonly NewEvent[];
}

/** The notices a receipt may earn the sender, built by the use-case, stored with the receipt. */
export interface ReceiptNotices {
  /** When the receipt fails the message: the bounce notice. */
  bounce(m: Message, error: string): FailedSend['bounce'] | undefined;
  /**
   * When the receipt completes the message's delivery: its positive-delivery notice, keyed so that it
   * is stored once (`messages.inbound_key`).
   */
  delivered(m: NotifiedMessage): { message: NewMessage; key: string; jobs: readonly JobKind[] } | undefined;
}

/**
 * What the deliver handler and receipts need from the store. Writes are batched: each promise
 * resolves when its change is durable. A retry and its job's new run time share one transaction, as
 * do a failure, its refund, its bounce notice and its job's deletion.
 */
export interface DeliveryStore {
  /**
   * Load a message to send; undefined when it is no longer `queued` (sent, failed or retried by
   * someone else: a stale job). A read: the job's lease, not a status write, keeps other workers away.
   */
  loadQueued(messageId: number): Promise<Message | undefined>;
  senderOf(accountId: number): Promise<SenderInfo | undefined>;
  /** Accepted by `carrier`: status `sent`, one carrier_refs row per part, job `jobId` deleted. */
  recordSent(s: {
    messageId: number;
    jobId: number;
    carrier: string;
    refs: readonly string[];
    events?: readonly NewEvent[];
  }): Promise<void>;
  /** Transient failure: back to `queued` with `last_error`; job `jobId` due again at `retryAt`. */
  recordRetry(r: {
    messageId: number;
    jobId: number;
    error: string;
    retryAt: number;
    events?: readonly NewEvent[];
  }): Promise<void>;
  /**
   * Failed for good: `failed`, charge refunded, optional bounce notice, job `jobId` deleted. A message
   * that is no longer `queued` or `sending` (not ours to fail) is left as it is.
   */
  recordFailed(f: FailedSend & { jobId: number }): Promise<void>;
  /**
   * Apply a receipt: update its part, then the message (delivered once every part is, failed as soon
   * as one fails), and store the notice `notices` builds for the sender in the same transaction.
   * `matched` is false when no sent part has that id; `notified` is true when a notice was stored;
   * `smsId` is the message it matched. The receipt, and the notice it earned, go into the message's
   * timeline in that transaction.
   */
  applyReceipt(
    r: DeliveryReceipt,
    notices: ReceiptNotices,
  ): Promise<{ matched: boolean; notified: boolean; smsId?: number }>;
  /** Operator's retry: a failed message goes back to `queued` with a new job (its only one), and a `retry` event. */
  requeue(messageId: number): Promise<boolean>;
}
