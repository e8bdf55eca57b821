/**
 * A submit_sm between its write and its outcome (SMPP 3.4 §4.4), for `carriers/smpp/adapter.ts`.
 */
import type smpp from 'smpp';
import type { SendOutcome } from '../../app/ports.js';
import { submitRefusal } from './status.js';

type Retry = { ok: false; retryable: true; reason: string };
/** A transient failure: the deliver job tries again later. */
export const retry = (reason: string): Retry => ({ ok: false, retryable: true, reason });
/** A submit's result: the SMSC's message id, or the send's outcome. */
export type Submitted = { ok: true; id: string } | { ok: false; outcome: SendOutcome };

/**
 * One submit_sm awaiting its submit_sm_resp: settled by the response, its timeout, the send's abort
 * or the link's loss, whichever comes first. One object per submit (its abort listener is the object
 * itself, its timer gets it as an argument) instead of a closure for each of the four: this runs
 * ~10,000 times a second.
 */
export class PendingSubmit {
  #done = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (r: Submitted) => void,
    private readonly signal: AbortSignal,
    private readonly inflight: Set<PendingSubmit>,
    private readonly timeoutMs: number,
  ) {
    // The window slot is freed on timeout or abort although the SMSC may still answer: better than a
    // window that leaks shut. The late response is ignored (the library drops it after firing).
    this.#timer = setTimeout(PendingSubmit.#expire, timeoutMs, this);
    signal.addEventListener('abort', this, { once: true });
    inflight.add(this);
  }

  static #expire(p: PendingSubmit): void {
    p.finish({ ok: false, outcome: retry(`no submit_sm_resp in ${p.timeoutMs} ms`) });
  }

  /** The signal's abort (EventTarget calls `handleEvent` on a listener object). */
  handleEvent(): void {
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
    clearTimeout(this.#timer);
    this.signal.removeEventListener('abort', this);
    this.inflight.delete(this);
    this.resolve(r);
  }
}
