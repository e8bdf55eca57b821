/** Carrier events for adapter tests: what a carrier reports, recorded, resolved at once. */
import { joinParts, partGroupKey } from '../../src/app/inbound-parts.js';
import type { CarrierEvents, DeliveryReceipt, InboundPart, InboundSms } from '../../src/app/ports.js';

/** Records what the adapter reports; parts are joined in memory here (the service keeps them in its store). */
export function recordEvents() {
  const receipts: DeliveryReceipt[] = [];
  const inbound: InboundSms[] = [];
  const groups = new Map<string, InboundPart[]>();
  const carrierEvents: CarrierEvents = {
    receipt: async (r) => {
      receipts.push(r);
    },
    inbound: async (m) => {
      inbound.push(m);
    },
    part: async (p) => {
      const key = partGroupKey(p);
      const got = [...(groups.get(key) ?? []).filter((q) => q.seq !== p.seq), p];
      groups.set(key, got);
      if (got.length < p.total) return;
      const { body } = joinParts(p, got);
      inbound.push({ carrier: p.carrier, carrierRef: key, from: p.from, to: p.to, body });
    },
  };
  return { receipts, inbound, carrierEvents };
}
