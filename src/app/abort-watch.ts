/**
 * Many waiters on few AbortSignals, with one `abort` listener per signal instead of one per waiter.
 *
 * The delivery path has hundreds of waiters on one signal at a time (a claimed batch of jobs shares
 * its AbortSignal: each waits for a window slot, then for its submit_sm_resp). Node's EventTarget
 * walks every listener already on a signal to refuse a duplicate at each `addEventListener`, and again
 * at each `removeEventListener`, so a listener per waiter costs time proportional to the waiters
 * already there: 2-3 % of the CPU of an SMPP drain at window 10 went to those two calls. Here a
 * waiter joins a per-signal set (a Map lookup and a Set insert) and leaves it the same way; the
 * signal's one listener is removed when its set empties.
 */
export interface AbortWaiter {
  /** Called once if the signal aborts while this waiter is watched. */
  onAbort(): void;
}

interface Watched {
  waiters: Set<AbortWaiter>;
  listener: () => void;
}

export class AbortWatch {
  readonly #signals = new Map<AbortSignal, Watched>();

  /** Call `waiter.onAbort()` if `signal` aborts before `unwatch`. The signal must not be aborted yet. */
  watch(signal: AbortSignal, waiter: AbortWaiter): void {
    let w = this.#signals.get(signal);
    if (!w) {
      const waiters = new Set<AbortWaiter>();
      const listener = () => {
        this.#signals.delete(signal);
        for (const x of waiters) x.onAbort();
      };
      w = { waiters, listener };
      this.#signals.set(signal, w);
      signal.addEventListener('abort', listener, { once: true });
    }
    w.waiters.add(waiter);
  }

  /** Stop watching `waiter` (a no-op when it is not watched). */
  unwatch(signal: AbortSignal, waiter: AbortWaiter): void {
    const w = this.#signals.get(signal);
    if (!w?.waiters.delete(waiter) || w.waiters.size > 0) return;
    this.#signals.delete(signal);
    signal.removeEventListener('abort', w.listener);
  }
}
