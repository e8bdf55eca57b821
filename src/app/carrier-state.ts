/**
 * Each carrier's state for the operator (`GET /admin/v1/carriers`): its link as its adapter reports it
 * (`up`, `connecting`, `down`, or `none` for a carrier without a lasting connection), messages handed
 * to it and failed in the last 5 and 15 minutes, its last error, and the deliver queue. The queue is
 * one for all carriers: a job is routed to a carrier only when it runs.
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

export interface CarrierStateStore {
  counts(now: number): Promise<CarrierCounts[]>;
  queue(now: number): Promise<{ due: number; oldestDueAt: number | null }>;
}

export function makeCarrierState(store: CarrierStateStore, clock: Clock) {
  return async (links: readonly CarrierLink[]) => {
    const now = clock.now();
    const [counts, queue] = await Promise.all([store.counts(now), store.queue(now)]);
    const names = [...new Set([...links.map((l) => l.name), ...counts.map((c) => c.carrier)])];
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      carriers: names.map((name) => {
        const c = counts.find((x) => x.carrier === name);
        return {
          name,
          link: links.find((l) => l.name === name)?.link ?? 'none',
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
