/**
 * When to try a message again: exponential backoff with full jitter, or give up.
 *
 * Full jitter (delay drawn uniformly from 0 to the exponential cap, "Exponential Backoff And Jitter",
 * AWS Architecture Blog, 2015) spreads the retries of many messages that failed together (a carrier
 * outage) instead of sending them back in one wave. Pure: the caller passes the time and the dice.
 */

/** Retry limits, from `delivery` in the configuration. */
export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Give up once the message is this old. */
  maxAgeMs: number;
  /** Cap of the first retry's delay; doubles with each attempt. */
  baseMs: number;
  /** Largest delay cap. */
  maxMs: number;
}

/** What to do after a transient failure. */
export type RetryDecision = { retryAt: number } | { giveUp: string };

/**
 * @param attempts attempts made so far, the one that just failed included (1 after the first).
 * @param createdAt when the message was accepted (epoch ms).
 * @param random a number in [0, 1), `Math.random` in production.
 */
export function nextAttempt(
  policy: RetryPolicy,
  attempts: number,
  createdAt: number,
  now: number,
  random: () => number = Math.random,
): RetryDecision {
  if (attempts >= policy.maxAttempts) return { giveUp: `gave up after ${attempts} attempts` };
  const deadline = createdAt + policy.maxAgeMs;
  if (now >= deadline) return { giveUp: `gave up after ${Math.round((now - createdAt) / 1000)} s` };
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts - 1, 30));
  // One last attempt at the deadline rather than none: the carrier may be back by then.
  return { retryAt: Math.min(deadline, now + Math.floor(random() * cap)) };
}
