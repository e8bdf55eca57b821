/**
 * The SMPP window: at most `size` submit_sm awaiting their submit_sm_resp (SMPP 3.4 §2.9,
 * "asynchronous" operation). A submit beyond it waits in arrival order, and leaves when its signal
 * aborts.
 *
 * A waiting submit is written the moment a slot frees, synchronously, from inside the handler of
 * the response that freed it (`InFlight`'s `onFree`), not on a later turn of the event loop. The
 * responses of one socket read then free their slots and put the next submits on the wire before
 * the outcomes of the answered ones are handled (timeline events, the outcome batch, the deliver
 * job's own continuation): at window 10 the link was waiting on that work, an SMPP drain spent
 * about a sixth of its time idle, and the SMSC saw the next submits only after it.
 */
import { type AbortWaiter, AbortWatch } from '../../app/abort-watch.js';
import type { SubmitSmFields } from './pdu.js';
import { type InFlight, retry, type Submitted } from './submit.js';

/** Writes one submit now (the adapter: link checks, cork, `Session.send`). */
export type WriteSubmit = (
  fields: SubmitSmFields,
  signal: AbortSignal,
  resolve: (r: Submitted) => void,
) => void;

class Waiting implements AbortWaiter {
  constructor(
    readonly fields: SubmitSmFields,
    readonly signal: AbortSignal,
    readonly resolve: (r: Submitted) => void,
    private readonly queue: Set<Waiting>,
  ) {}

  onAbort(): void {
    this.queue.delete(this);
    this.resolve({ ok: false, outcome: retry('aborted') });
  }
}

export class SubmitWindow {
  readonly #waiting = new Set<Waiting>();
  readonly #aborts = new AbortWatch();

  constructor(
    readonly size: number,
    private readonly inflight: InFlight,
    private readonly write: WriteSubmit,
  ) {}

  /** Whether a submit now would be written at once (no one waits and a slot is free). */
  get available(): number {
    return this.#waiting.size > 0 ? 0 : Math.max(0, this.size - this.inflight.size);
  }

  /** Write `fields` now if a slot is free, else when one frees; resolves with its result. */
  submit(fields: SubmitSmFields, signal: AbortSignal): Promise<Submitted> {
    if (signal.aborted) return Promise.resolve({ ok: false, outcome: retry('aborted') });
    return new Promise((resolve) => {
      if (this.available > 0) {
        this.write(fields, signal, resolve);
        return;
      }
      const w = new Waiting(fields, signal, resolve, this.#waiting);
      this.#waiting.add(w);
      this.#aborts.watch(signal, w);
    });
  }

  /** Write waiting submits while slots are free (called whenever a submit settles). */
  pump(): void {
    for (const w of this.#waiting) {
      if (this.inflight.size >= this.size) return;
      this.#waiting.delete(w);
      this.#aborts.unwatch(w.signal, w);
      this.write(w.fields, w.signal, w.resolve);
    }
  }
}
