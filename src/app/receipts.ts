/**
 * Delivery receipts (SMPP deliver_sm receipts, carrier webhook status callbacks) → message status, one
 * use-case for every carrier.
 *
 * Rule for split messages: delivered when every part is delivered; failed as soon as one part fails
 * (the recipient cannot read half a message). A failure receipt puts a bounce notice in the sender's
 * inbox but refunds nothing: the carrier accepted, and charged, the message. Late or repeated receipts
 * change nothing (the status moves only from `sent`/`sending`).
 *
 * After a `delivered` receipt matched, a sender who asked for `positive-delivery` gets an
 * `application/x-acro-disposition-notification` message in its Fetch stream
 * (https://doc.acrobits.net/api/client/x-acro-disposition-notification.html), stored once per message
 * however many receipts arrive (one per part of a split text, carrier retries): it is stored in the
 * transaction of the receipt that ends the message's delivery, and the outbox is rung so its push
 * leaves now. The notification is built in `dispositions.ts`, shared with on-net sends.
 */
import { maskCredentials } from '../domain/redact.js';
import type { Deliver } from './deliver.js';
import type { DeliveryStore } from './delivery-ports.js';
import { dispositionNotice } from './dispositions.js';
import type { Clock, DeliveryReceipt, JobKind, Log, OutboxSignal } from './ports.js';

export interface ReceiptDeps {
  store: Pick<DeliveryStore, 'applyReceipt'>;
  /** Builds the sender's bounce notice for a failure receipt. */
  bounce: Deliver['bounce'];
  /** Jobs for a positive-delivery notice (`['push']` when push is on: the app fetches, updates its ticks). */
  jobs: readonly JobKind[];
  clock: Clock;
  outbox: OutboxSignal;
}

/**
 * Apply one receipt and store what it earns the sender, in one transaction; resolves once durable.
 * `matched` is false when no sent part has that carrier id; `relayed` is true when a positive-delivery
 * notice was stored; `smsId` is the message the receipt concerns (when matched), for the log line.
 */
export type HandleReceipt = (
  r: DeliveryReceipt,
) => Promise<{ matched: boolean; relayed: boolean; smsId?: number }>;

export function makeHandleReceipt({ store, bounce, jobs, clock, outbox }: ReceiptDeps): HandleReceipt {
  return async (received) => {
    // A carrier's words reach `last_error` and the bounce notice: anything shaped like a credential
    // in them is masked, as in a send's answer (domain/redact.ts).
    const r =
      received.error === undefined ? received : { ...received, error: maskCredentials(received.error) };
    const at = r.at ?? clock.now();
    const { matched, notified, smsId } = await store.applyReceipt(r, {
      bounce,
      delivered: (m) => {
        const n = dispositionNotice(m, 'delivered', at);
        return n && { ...n, jobs };
      },
    });
    // A stored notice (bounce or delivery) may carry a push job: it leaves now, not at the next poll.
    if (notified) outbox.wake();
    const relayed = notified && r.status === 'delivered';
    return smsId === undefined ? { matched, relayed } : { matched, relayed, smsId };
  };
}

/**
 * Waits before an unmatched receipt is tried again. The first are short: a `sent` commit a receipt
 * raced (one the delivery store did not make it wait for: another instance's) is usually a few
 * milliseconds behind it, and the held answer occupies a slot of the SMSC's own window of unanswered
 * deliver_sm meanwhile.
 */
export const RECEIPT_RETRY_MS: readonly number[] = [10, 50, 250, 1_000, 5_000];

/**
 * A receipt from a carrier link that waits for our answer (SMPP): resolves once the receipt is applied
 * durably, so the carrier may be told. A fast SMSC can send a receipt before our own `sent` batch is
 * committed; the delivery store writes a receipt after the outcomes taken before it, and one still
 * unmatched (its outcome another instance's) is tried again after each of `delaysMs`, holding the
 * answer; still unmatched after the last, it resolves anyway and is dropped with a warning (an SMSC
 * resends an unanswered receipt, and a message whose `sent` was lost is sent again and earns a new
 * receipt).
 * Rejects when the store fails, so the carrier answers with an error and the SMSC tries again.
 * A matched receipt logs one `receipt` line with the carrier, its id, the status and the `smsId`,
 * the line an HTTP carrier's status webhook logs too (receive-webhook.ts).
 */
export function makeReceiptEvent(
  handle: HandleReceipt,
  log: Pick<Log, 'warn' | 'info'>,
  delaysMs: readonly number[] = RECEIPT_RETRY_MS,
): (r: DeliveryReceipt) => Promise<void> {
  return async (r) => {
    for (let n = 0; ; n++) {
      const { matched, relayed, smsId } = await handle(r);
      if (matched) {
        log.info(
          { carrier: r.carrier, ref: r.carrierRef, status: r.status, matched, relayed, smsId },
          'receipt',
        );
        return;
      }
      const delay = delaysMs[n];
      if (delay === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
    log.warn({ carrier: r.carrier, carrierRef: r.carrierRef }, 'receipt for an unknown message dropped');
  };
}
