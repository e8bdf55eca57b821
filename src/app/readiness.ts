/**
 * Readiness, for a load balancer's health check and for a person (`/readyz`, `/readyz?verbose`).
 *
 * Ready means this instance can take Send Message and Fetch Messages: the store answers a cheap query
 * within `timeoutMs`. A carrier's link does not decide it: while an SMSC is unreachable, off-net
 * messages are accepted and wait in the outbox, and on-net messaging and Fetch work as usual, so
 * taking the instance out of rotation would only make things worse. The links are listed for the
 * operator instead.
 */
import type { LinkState } from './ports.js';

/** A cheap round trip to the store (`select 1`): resolves when it answers, rejects when it fails. */
export interface StoreProbe {
  ping(): Promise<void>;
}

/** One carrier's link, as the verbose answer lists it; `none` for a carrier without a lasting link. */
export interface CarrierLink {
  name: string;
  link: LinkState | 'none';
}

export interface ReadinessReport {
  ready: boolean;
  store: { ok: true } | { ok: false; error: string };
  carriers: CarrierLink[];
}

export type CheckReadiness = () => Promise<ReadinessReport>;

export interface ReadinessDeps {
  store: StoreProbe;
  /** The configured carriers' links, read at each check. */
  carriers: () => CarrierLink[];
  /** A store that has not answered by then counts as down (default 2,000 ms). */
  timeoutMs?: number;
}

export function makeCheckReadiness({ store, carriers, timeoutMs = 2_000 }: ReadinessDeps): CheckReadiness {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    let storeState: ReadinessReport['store'];
    try {
      await Promise.race([store.ping(), timeout]);
      storeState = { ok: true };
    } catch (err) {
      storeState = { ok: false, error: (err as Error).message.slice(0, 200) };
    } finally {
      clearTimeout(timer);
    }
    return { ready: storeState.ok, store: storeState, carriers: carriers() };
  };
}
