/**
 * What a carrier with its own link (SMPP) reports, to the use-cases that store it: receipts, whole
 * inbound messages and parts of long ones. Each promise resolves once what it carries is durable, so
 * the carrier acknowledges only then; a store failure is logged and rejects, and the carrier answers
 * with an error so its peer sends it again.
 */
import type { Inbound } from './inbound.js';
import type { CarrierEvents, Log } from './ports.js';
import { type HandleReceipt, makeReceiptEvent } from './receipts.js';

export interface CarrierEventDeps {
  inbound: Pick<Inbound, 'receive' | 'receivePart'>;
  handleReceipt: HandleReceipt;
  log: Log;
  /** Waits before an unmatched receipt is tried again (`makeReceiptEvent`). */
  receiptDelaysMs?: readonly number[];
}

export function makeCarrierEvents({
  inbound,
  handleReceipt,
  log,
  receiptDelaysMs,
}: CarrierEventDeps): CarrierEvents {
  const receipt = makeReceiptEvent(handleReceipt, log, receiptDelaysMs);
  const logged = async (what: string, fields: object, work: Promise<unknown>): Promise<void> => {
    try {
      await work;
    } catch (err) {
      log.error({ err, ...fields }, `storing ${what} failed; not acknowledged`);
      throw err;
    }
  };
  return {
    receipt: (r) => logged('a receipt', { carrier: r.carrier, ref: r.carrierRef }, receipt(r)),
    inbound: (m) => logged('an inbound SMS', { carrier: m.carrier, ref: m.carrierRef }, inbound.receive(m)),
    part: (p) =>
      logged('an inbound part', { carrier: p.carrier, seq: p.seq, total: p.total }, inbound.receivePart(p)),
  };
}
