/**
 * Delivery receipts from carrier webhooks (issue #4). The delivery engine's `applyReceipt` moves the
 * sent message's status; after it matched, a sender who asked for `positive-delivery` gets an
 * `application/x-acro-disposition-notification` message in its Fetch stream (protocol notes §6),
 * stored once per message however many receipts arrive (one per part of a split text, carrier retries).
 * The notification itself is built in `dispositions.ts`, shared with on-net sends and the displayed rule.
 */
import type { Message } from '../domain/message.js';
import { dispositionNotice } from './dispositions.js';
import type { InboxStore } from './inbound.js';
import type { Clock, DeliveryReceipt, JobKind } from './ports.js';

/** The delivery engine's receipt use-case (`app/receipts.ts` on the delivery branch). */
export type ApplyReceipt = (r: DeliveryReceipt) => Promise<{ matched: boolean }>;

/** Finds the message a carrier id belongs to (carrier_refs). */
export interface ReceiptLookup {
  byCarrierRef(carrier: string, ref: string): Promise<Message | undefined>;
}

export interface RelayDeps {
  applyReceipt: ApplyReceipt;
  lookup: ReceiptLookup;
  inbox: InboxStore;
  /** Jobs for the relayed notification (`['push']` when push is on: the app fetches and updates ticks). */
  jobs: readonly JobKind[];
  clock: Clock;
}

export type HandleReceipt = (r: DeliveryReceipt) => Promise<{ matched: boolean; relayed: boolean }>;

export function makeHandleReceipt({ applyReceipt, lookup, inbox, jobs, clock }: RelayDeps): HandleReceipt {
  return async (r) => {
    const { matched } = await applyReceipt(r);
    if (!matched || r.status !== 'delivered') return { matched, relayed: false };
    const m = await lookup.byCarrierRef(r.carrier, r.carrierRef);
    const notice = m && dispositionNotice(m, 'delivered', r.at ?? clock.now());
    if (!notice) return { matched, relayed: false };
    const { duplicate } = await inbox.storeKeyed(notice.message, notice.key, jobs);
    return { matched, relayed: !duplicate };
  };
}
