/**
 * A FIFO counting semaphore whose waiters can leave when their AbortSignal fires. Used for the SMPP
 * window (`carriers/smpp/window.ts`), per-carrier concurrency (`carriers/limits.ts`) and the deliver
 * job's in-flight bound per carrier (`app/deliver.ts`).
 */
export class Slots {
  #free: number;
  readonly #waiters: Array<() => void> = [];

  /** @param size how many holders at once (a positive integer). */
  constructor(size: number) {
    this.#free = size;
  }

  /** Take a slot; resolves false when `signal` aborts first (no slot is held then). */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  /** Slots free right now (0 while anyone waits): whether an `acquire` would be granted at once. */
  get available(): number {
    return this.#free;
  }

  /** Give a slot back: straight to the oldest waiter if there is one (`free` stays the same). */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free++;
  }
}
