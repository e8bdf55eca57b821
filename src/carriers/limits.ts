/**
 * Per-carrier limits: at most `concurrency` requests in flight and at most `ratePerSecond` started per
 * second (carriers throttle per account: Twilio 1 MPS per long code, Vonage 30/s by default). Waiting
 * honours the AbortSignal and ends in a retryable outcome, never a throw (outcomes are values).
 */
import type { CarrierAdapter, SendOutcome } from '../app/ports.js';
import { Slots } from '../app/slots.js';

/** Limits for one carrier; omitted means unlimited. */
export interface CarrierLimits {
  ratePerSecond?: number;
  /** Requests allowed at once above the steady rate (default: 1/10 s worth, at least 1). */
  burst?: number;
  concurrency?: number;
}

/** Time hooks, so tests drive the rate limiter without real waiting. */
export interface LimitClock {
  now(): number;
  /** Resolve `true` after `ms`, or `false` as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

/** Real time: monotonic `performance.now` (wall-clock jumps must not stall sends) and an abortable `setTimeout`. */
export const realLimitClock: LimitClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

const aborted = (where: string): SendOutcome => ({ ok: false, retryable: true, reason: `aborted ${where}` });

/**
 * GCRA (the "virtual scheduling" token bucket of ITU-T I.371): each start books the next slot in time,
 * so concurrent callers get distinct, evenly spaced start times without a queue or a timer loop.
 * A caller that aborts while waiting leaves its booked slot unused (a tiny, safe under-use).
 */
function makeRateGate(rate: number, burst: number, clock: LimitClock) {
  const interval = 1000 / rate;
  const tolerance = interval * (burst - 1);
  let tat = Number.NEGATIVE_INFINITY; // theoretical arrival time of the next request
  return (): number => {
    const now = clock.now();
    const start = Math.max(tat, now);
    tat = start + interval;
    return Math.max(0, start - tolerance - now);
  };
}

/** Wrap `adapter` so it never exceeds the given limits. */
export function withLimits(
  adapter: CarrierAdapter,
  limits: CarrierLimits,
  clock: LimitClock = realLimitClock,
): CarrierAdapter {
  const { ratePerSecond, concurrency } = limits;
  if (ratePerSecond !== undefined && !(ratePerSecond > 0)) throw new Error('ratePerSecond must be > 0');
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new Error('concurrency must be a positive integer');
  }
  const sem = concurrency === undefined ? undefined : new Slots(concurrency);
  const burst = Math.max(1, limits.burst ?? Math.ceil((ratePerSecond ?? 0) / 10));
  const gate = ratePerSecond === undefined ? undefined : makeRateGate(ratePerSecond, burst, clock);

  // The deliver job's in-flight bound: the tighter of the carrier's own (SMPP window) and ours.
  const bound = adapter.maxInFlight;
  const maxInFlight = concurrency === undefined ? bound : Math.min(concurrency, bound ?? concurrency);
  const wrapped: CarrierAdapter = {
    name: adapter.name,
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
    ...(adapter.window === undefined ? {} : { window: adapter.window }),
    ...(adapter.mms ? { mms: true } : {}),
    async send(msg, signal) {
      if (sem && !(await sem.acquire(signal))) return aborted('waiting for a free carrier slot');
      try {
        // Concurrency first, then rate: a booked start time is not spent queueing for a slot.
        const wait = gate ? gate() : 0;
        if (wait > 0 && !(await clock.sleep(wait, signal)))
          return aborted('waiting for the carrier rate limit');
        return await adapter.send(msg, signal);
      } finally {
        sem?.release();
      }
    },
  };
  if (adapter.start) wrapped.start = adapter.start.bind(adapter);
  if (adapter.close) wrapped.close = adapter.close.bind(adapter);
  if (adapter.link) wrapped.link = adapter.link.bind(adapter);
  if (adapter.inFlight) wrapped.inFlight = adapter.inFlight.bind(adapter);
  const inner = adapter.hasCapacity?.bind(adapter);
  if (sem || inner) wrapped.hasCapacity = () => (sem ? sem.available > 0 : true) && (inner ? inner() : true);
  return wrapped;
}
