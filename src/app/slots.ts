/**
 * A FIFO counting semaphore whose waiters can leave when their AbortSignal fires. Used for
 * per-carrier concurrency (`carriers/limits.ts`), the deliver job's in-flight bound per carrier
 * (`app/deliver.ts`) and password checks (`app/authenticate.ts`). Waiters on one signal share one
 * listener (`abort-watch.ts`): a claimed batch of hundreds of jobs queues on one signal. (The SMPP
 * window is not a `Slots`: it writes a waiting submit synchronously when a slot frees,
 * `carriers/smpp/window.ts`, where a grant here resolves a promise.)
 */
import { type AbortWaiter, AbortWatch } from './abort-watch.js';

/** One `acquire` waiting in the queue. */
class Waiter implements AbortWaiter {
  constructor(
    private readonly queue: Set<Waiter>,
    private readonly aborts: AbortWatch,
    private readonly signal: AbortSignal,
    private readonly resolve: (granted: boolean) => void,
  ) {
    aborts.watch(signal, this);
    queue.add(this);
  }

  /** Leave the queue with a slot (true) or without (false, the signal aborted). */
  settle(granted: boolean): void {
    this.queue.delete(this);
    this.aborts.unwatch(this.signal, this);
    this.resolve(granted);
  }

  onAbort(): void {
    this.settle(false);
  }
}

export class Slots {
  #free: number;
  readonly #waiters = new Set<Waiter>();
  readonly #aborts = new AbortWatch();

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
    return new Promise((resolve) => new Waiter(this.#waiters, this.#aborts, signal, resolve));
  }

  /** Slots free right now (0 while anyone waits): whether an `acquire` would be granted at once. */
  get available(): number {
    return this.#free;
  }

  /** Give a slot back: straight to the oldest waiter if there is one (`free` stays the same). */
  release(): void {
    // A Set iterates in insertion order: the first one is the oldest waiter.
    for (const w of this.#waiters) {
      w.settle(true);
      return;
    }
    this.#free++;
  }
}
