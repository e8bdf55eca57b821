/**
 * Delivery receipts (SMPP deliver_sm receipts, HTTP status callbacks) → message status.
 *
 * Rule for split messages: delivered when every part is delivered; failed as soon as one part fails
 * (the recipient cannot read half a message). A failure receipt puts a bounce notice in the sender's
 * inbox but refunds nothing: the carrier accepted, and charged, the message. Late or repeated receipts
 * change nothing (the status moves only from `sent`/`sending`).
 */

import type { Deliver } from './deliver.js';
import type { DeliveryStore } from './delivery-ports.js';
import type { DeliveryReceipt } from './ports.js';

/** Apply one receipt; `matched` is false when no sent part has that carrier id. */
export type ApplyReceipt = (r: DeliveryReceipt) => Promise<{ matched: boolean }>;

/** Build `applyReceipt` (the issue-4 webhooks call the same function). */
export function makeApplyReceipt(store: DeliveryStore, bounce: Deliver['bounce']): ApplyReceipt {
  return (r) => store.applyReceipt(r, bounce);
}

/** Where a receipt sink reports trouble. */
export interface ReceiptLog {
  warn(obj: object, msg: string): void;
}

/**
 * A fire-and-forget sink for carriers that push receipts over their own link (SMPP). A fast SMSC can
 * send the receipt before our `sent` batch is committed, so an unmatched receipt is tried again after
 * each of `delaysMs` before it is dropped with a warning.
 */
export function makeReceiptSink(
  apply: ApplyReceipt,
  log: ReceiptLog,
  delaysMs: readonly number[] = [250, 1_000, 5_000, 30_000],
): (r: DeliveryReceipt) => void {
  const tryApply = (r: DeliveryReceipt, n: number): void => {
    apply(r).then(
      ({ matched }) => {
        if (matched) return;
        const delay = delaysMs[n];
        if (delay === undefined) {
          log.warn(
            { carrier: r.carrier, carrierRef: r.carrierRef },
            'receipt for an unknown message dropped',
          );
          return;
        }
        setTimeout(() => tryApply(r, n + 1), delay).unref();
      },
      (err: unknown) => log.warn({ err, carrier: r.carrier }, 'could not apply a receipt'),
    );
  };
  return (r) => tryApply(r, 0);
}
