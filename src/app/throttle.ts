/**
 * Failure throttle: counts failed logins per key (account, client address) in a fixed window and
 * refuses further attempts once the limit is reached, until the window ends.
 *
 * The counts here are this instance's view. With several instances on one database, `SharedFailures`
 * (the `auth_failures` table) holds the real counts: every failure is recorded there, and a login that
 * misses the cache (so is about to pay for a password check anyway) asks it first. A cached, correct
 * login does no I/O for throttling at all.
 */

/** Failure counts shared by every instance on one store (docs/deployment.md). */
export interface SharedFailures {
  /** Count one failure for `key` (a new window of `windowMs` when none is open); the count so far. */
  record(key: string, now: number, windowMs: number): Promise<number>;
  /** True when any of `keys` has `max` failures or more in an open window. */
  anyBlocked(keys: readonly string[], now: number, max: number): Promise<boolean>;
  /** Forget `key`'s failures (after a correct password). */
  clear(key: string): Promise<void>;
}

export class FailureThrottle {
  private readonly entries = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  /** True when `key` has used up its failures for the current window. */
  isBlocked(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return false;
    }
    return e.count >= this.maxFailures;
  }

  /** Count one failure for `key`. */
  fail(key: string): void {
    const now = this.now();
    const e = this.entries.get(key);
    if (e && e.until > now) {
      e.count++;
      return;
    }
    if (this.entries.size >= this.maxKeys) this.sweep(now);
    this.entries.set(key, { count: 1, until: now + this.windowMs });
  }

  /** Raise `key`'s count to `count` (learnt from the shared counts), keeping its window. */
  observe(key: string, count: number): void {
    const now = this.now();
    const e = this.entries.get(key);
    if (e && e.until > now) e.count = Math.max(e.count, count);
    else this.entries.set(key, { count, until: now + this.windowMs });
  }

  /** Forget `key`'s failures (after a success). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  private sweep(now: number): void {
    for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
    // Still full of live entries: drop the oldest so memory stays bounded under a spray of addresses.
    const excess = this.entries.size - Math.floor(this.maxKeys * 0.9);
    if (excess > 0) {
      let i = 0;
      for (const k of this.entries.keys()) {
        if (i++ >= excess) break;
        this.entries.delete(k);
      }
    }
  }
}
