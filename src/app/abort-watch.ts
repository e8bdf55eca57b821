/**
 * Many waiters on few AbortSignals, with one `abort` listener per signal instead of one per waiter.
 *
 * The delivery path has hundreds of waiters on one signal at a time (a claimed batch of jobs shares
 * its AbortSignal: each waits for a window slot, then for its submit_sm_resp). Node's EventTarget
 * walks every listener already on a signal to refuse a duplicate at each `addEventListener`, and again
 * at each `removeEventListener`, so a listener per waiter costs time proportional to the waiters
 * already there: 2-3 % of the CPU of an SMPP drain at window 10 went to those two calls. Here a
 * waiter joins a per-signal set (a lookup and a Set insert) and leaves it the same way. The signal's
 * one listener stays until the signal aborts or is collected: the sets are held by a WeakMap keyed by
 * the signal, so a signal that never aborts (a finished batch's) takes its set and listener with it.
 */
export interface AbortWaiter {
  /** Called once if the signal aborts while this waiter is watched. */
  onAbort(): void;
}

export class AbortWatch {
  readonly #signals = new WeakMap<AbortSignal, Set<AbortWaiter>>();

  /** Call `waiter.onAbort()` if `signal` aborts before `unwatch`. The signal must not be aborted yet. */
  watch(signal: AbortSignal, waiter: AbortWaiter): void {
    let waiters = this.#signals.get(signal);
    if (!waiters) {
      const set = new Set<AbortWaiter>();
      waiters = set;
      this.#signals.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          for (const w of [...set]) w.onAbort();
          set.clear();
        },
        { once: true },
      );
    }
    waiters.add(waiter);
  }

  /** Stop watching `waiter` (a no-op when it is not watched). */
  unwatch(signal: AbortSignal, waiter: AbortWaiter): void {
    this.#signals.get(signal)?.delete(waiter);
  }
}
