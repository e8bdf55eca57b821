/**
 * Each carrier's state for the operator (`GET /admin/v1/carriers`): its link as its adapter reports it
 * (`up`, `connecting`, `down`, or `none` for a carrier without a lasting connection), its window in use
 * (SMPP: the `window` size and the submit_sm awaiting their submit_sm_resp, in this process), messages
 * handed to it and failed in the last 5 and 15 minutes, its last error, and the deliver queue. The
 * queue is one for all carriers: a job is routed to a carrier only when it runs.
 */
import type { Clock } from './ports.js';
import type { CarrierLink } from './readiness.js';

/** One carrier's recent messages. */
export interface CarrierCounts {
  carrier: string;
  submits5m: number;
  failures5m: number;
  submits15m: number;
  failures15m: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** A running carrier as its adapter reports it now: its link and, for a windowed one, its window. */
export interface LiveCarrier extends CarrierLink {
  /** Most submits that may await the carrier's answer at once (SMPP: `window`); absent: no window. */
  window?: number | undefined;
  /** Submits awaiting the carrier's answer now (SMPP: window slots in use). */
  inFlight?: number | undefined;
}

export interface CarrierStateStore {
  counts(now: number): Promise<CarrierCounts[]>;
  queue(now: number): Promise<{ due: number; oldestDueAt: number | null }>;
}

export function makeCarrierState(store: CarrierStateStore, clock: Clock) {
  return async (links: readonly LiveCarrier[]) => {
    const now = clock.now();
    const [counts, queue] = await Promise.all([store.counts(now), store.queue(now)]);
    const names = [...new Set([...links.map((l) => l.name), ...counts.map((c) => c.carrier)])];
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      carriers: names.map((name) => {
        const c = counts.find((x) => x.carrier === name);
        const live = links.find((l) => l.name === name);
        return {
          name,
          link: live?.link ?? 'none',
          window: live?.window === undefined ? null : { size: live.window, inFlight: live.inFlight ?? 0 },
          submits: { last5m: c?.submits5m ?? 0, last15m: c?.submits15m ?? 0 },
          failures: { last5m: c?.failures5m ?? 0, last15m: c?.failures15m ?? 0 },
          lastError: c?.lastError ?? null,
          lastErrorAt: iso(c?.lastErrorAt ?? null),
        };
      }),
      queue: { due: queue.due, oldestDueAt: iso(queue.oldestDueAt) },
    };
  };
}

export type CarrierState = ReturnType<typeof makeCarrierState>;
