/**
 * Submits between their write and their outcome (SMPP 3.4 §4.4), for `carriers/smpp/adapter.ts`.
 */
import type smpp from 'smpp';
import { type AbortWaiter, AbortWatch } from '../../app/abort-watch.js';
import type { SendOutcome } from '../../app/ports.js';
import { submitRefusal } from './status.js';

type Retry = { ok: false; retryable: true; reason: string };
/** A transient failure: the deliver job tries again later. */
export const retry = (reason: string): Retry => ({ ok: false, retryable: true, reason });
/** A submit's result: the SMSC's message id, or the send's outcome. */
export type Submitted = { ok: true; id: string } | { ok: false; outcome: SendOutcome };

/**
 * The submit_sm awaiting their submit_sm_resp, oldest first. Each is settled by its response, its
 * timeout, its send's abort or the link's loss, whichever comes first. This runs ~10,000 times a
 * second, so the four are shared: one timer for every deadline (all submits have the same timeout,
 * so the oldest is always the next to expire), one abort listener per signal (`AbortWatch`: a
 * claimed batch of jobs shares one), one object per submit.
 */
export class InFlight {
  readonly #pending = new Set<PendingSubmit>();
  readonly #aborts = new AbortWatch();
  #timer: NodeJS.Timeout | undefined;

  /** @param onFree called each time a submit settles (its window slot is free): the window's pump. */
  constructor(
    private readonly timeoutMs: number,
    private readonly onFree: () => void = () => {},
  ) {}

  /** Submits awaiting an answer: the window slots in use. */
  get size(): number {
    return this.#pending.size;
  }

  /** Track a submit about to be written; `resolve` gets its result once. */
  start(resolve: (r: Submitted) => void, signal: AbortSignal): PendingSubmit {
    const p = new PendingSubmit(this, resolve, signal, Date.now() + this.timeoutMs);
    this.#pending.add(p);
    this.#aborts.watch(signal, p);
    // The window slot is freed on timeout or abort although the SMSC may still answer: better than a
    // window that leaks shut. The late response is ignored (the library drops it after firing).
    this.#timer ??= this.#arm(this.timeoutMs);
    return p;
  }

  /** Settle every pending submit with `r` (the link is lost). */
  failAll(r: Submitted): void {
    for (const p of [...this.#pending]) p.finish(r);
  }

  /** Stop the timer (the carrier is closing). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Called by a submit as it settles. */
  remove(p: PendingSubmit): void {
    this.#pending.delete(p);
    this.#aborts.unwatch(p.signal, p);
    this.onFree();
  }

  #arm(ms: number): NodeJS.Timeout {
    const t = setTimeout(this.#expire, ms);
    // The socket keeps the process alive while submits wait; the timer alone never should.
    t.unref();
    return t;
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    for (const p of this.#pending) {
      if (p.deadline > now) {
        this.#timer = this.#arm(p.deadline - now);
        return;
      }
      p.finish({ ok: false, outcome: retry(`no submit_sm_resp in ${this.timeoutMs} ms`) });
    }
  };
}

/** One submit_sm awaiting its submit_sm_resp (`InFlight.start`). */
export class PendingSubmit implements AbortWaiter {
  #done = false;

  constructor(
    private readonly owner: InFlight,
    private readonly resolve: (r: Submitted) => void,
    readonly signal: AbortSignal,
    /** When it times out (Date.now() ms). */
    readonly deadline: number,
  ) {}

  onAbort(): void {
    this.finish({ ok: false, outcome: retry('aborted') });
  }

  readonly onResponse = (resp: smpp.Pdu): void => {
    if (resp.command_status === 0) {
      this.finish({ ok: true, id: String(resp['message_id'] ?? '') });
      return;
    }
    const r = submitRefusal(resp.command_status);
    this.finish({ ok: false, outcome: r.retryable ? retry(r.reason) : { ok: false, ...r } });
  };

  finish(r: Submitted): void {
    if (this.#done) return;
    this.#done = true;
    this.owner.remove(this);
    this.resolve(r);
  }
}
