/**
 * The SMPP link on its own thread: the carrier's socket, its window and the PDUs in a `worker_threads`
 * Worker (`thread-entry.ts` runs the ordinary adapter, `adapter.ts`, there), while this side keeps the
 * carrier's interface for the delivery path.
 *
 * Why: at window 10 a slot comes back only when its submit_sm_resp has been read, and the thread that
 * reads it is the one that also parses and commits every Send Message. Under load that loop's turns
 * are long, so each round trip waited for them: the link took 2,400-4,600 messages a second at
 * window 10 while the same loop accepted 5,600-10,200, and the queue grew (docs/benchmarks.md, "The
 * link on its own thread"). Here the link's loop does nothing else, and refills the window from the
 * sends already handed to it.
 *
 * What crosses (plain data, each batch as one message: this side posts the sends that one callback
 * and its continuations made, the thread what one turn of its loop produced):
 * - **sends**, each with the id of its AbortSignal (one id per signal, as a claimed batch shares one);
 *   an abort crosses as that id; **outcomes** come back as they settle;
 * - **capacity and gauges**: `hasCapacity`, `link` and `inFlight` are asked on every off-net send
 *   and every scrape, so the thread writes them into a shared `Int32Array` whenever they may have
 *   changed and this side reads it without a message. A stale "room" only makes one first attempt
 *   wait in the window's queue (bounded by `delivery.waitMs`);
 * - **events** (receipts, MO messages and their parts): handed to this side's `CarrierEvents`, and the
 *   thread answers the SMSC's deliver_sm only once this side says it is durable, as before;
 * - **log lines**: the link's up/down lines, written through this side's logger.
 *
 * If the thread dies, every send waiting on it is answered as a transient failure (the deliver job
 * retries), the link reads `down`, and a new thread is started after the carrier's reconnect delay.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { type AbortWaiter, AbortWatch } from '../../app/abort-watch.js';
import type { CarrierAdapter, CarrierEvents, LinkState, OutboundSms, SendOutcome } from '../../app/ports.js';
import { type SmppCarrierConfig, unrecordedBound } from './config.js';
import type { LinkLog } from './link.js';
import { retry } from './submit.js';

/**
 * The shared state: `ROOM` 1 when a submit would go out at once (the adapter's `hasCapacity`: bound,
 * with a free window slot), `IN_FLIGHT` submits awaiting their answer, `LINK` the index of the link's
 * state in `LINKS`.
 */
export const ROOM = 0;
export const IN_FLIGHT = 1;
export const LINK = 2;
export const STATE_SLOTS = 3;
export const LINKS: readonly LinkState[] = ['up', 'connecting', 'down'];

/**
 * A send as it crosses, flat: send id, signal id, then the message's `smsId`, `from`, `to`, `body` (an
 * SMPP carrier sends text only). Primitives in one array: a structured clone of objects writes every
 * property name again; in one pair of profiles of a drain, posting took 12 % of the main thread with
 * objects and 7.6 % flat (docs/benchmarks.md).
 */
export const SEND_FIELDS = 6;

/**
 * An outcome as it crosses: the carrier's one id (a one-part message taken, the common case), its ids
 * (several parts), or the outcome itself (a failure).
 */
export type WireOutcome = string | string[] | SendOutcome;

export const toWire = (o: SendOutcome): WireOutcome =>
  o.ok ? (o.carrierRefs.length === 1 ? o.carrierRefs[0]! : o.carrierRefs) : o;

export const fromWire = (w: WireOutcome): SendOutcome =>
  typeof w === 'string'
    ? { ok: true, carrierRefs: [w] }
    : Array.isArray(w)
      ? { ok: true, carrierRefs: w }
      : w;

/** This side → the thread. Sends are flat (`SEND_FIELDS` each). */
export type ToLink =
  | { t: 'start' }
  | { t: 'sends'; batch: (number | string)[] }
  | { t: 'abort'; signal: number }
  | { t: 'event-done'; id: number; error?: string }
  | { t: 'close' };

/** The thread → this side. Outcomes are flat pairs: send id, `WireOutcome`. */
export type FromLink =
  | { t: 'started' }
  | { t: 'outcomes'; batch: (number | WireOutcome)[] }
  | { t: 'event'; id: number; kind: keyof CarrierEvents; arg: unknown }
  | { t: 'log'; level: 'warn' | 'info' | 'debug'; fields: object; msg: string }
  | { t: 'closed' };

/** What the thread is started with. */
export interface LinkInit {
  config: SmppCarrierConfig;
  state: SharedArrayBuffer;
}

/**
 * The young generation of the link's thread, in MB per semi-space. The process's own
 * `--max-semi-space-size` (16 in production, src/cli/heap.ts) is a V8 flag, and a flag wins over a
 * Worker's `resourceLimits`: the link's thread took 48 MB of young generation for an adapter whose
 * live heap is ~10 MB, and the server's peak RSS went from 165 to 215 MB under the bench's off-net
 * load. So the flag is set to this while the thread's heap is made, and back when it is online
 * (V8 reads it only when it creates a heap: the main heap keeps its size). 2 MB: at 4 MB the peak was
 * 193-197 MB, at 2 MB 190, and 1 MB put 12 % of the thread's time in scavenges (docs/benchmarks.md).
 */
export const LINK_SEMI_SPACE_MB = 2;

/** The process's own `--max-semi-space-size` (command line, then NODE_OPTIONS); 0: V8's choice. */
export function processSemiSpaceMb(execArgv: readonly string[], nodeOptions = ''): number {
  const args = [...execArgv, ...nodeOptions.split(/\s+/)];
  let mb = 0;
  for (let i = 0; i < args.length; i++) {
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(args[i]!);
    if (!m) continue;
    const value = m[1] ?? args[i + 1];
    if (value !== undefined && /^\d+$/.test(value)) mb = Number(value);
  }
  return mb;
}

/**
 * The thread, from the entry module beside this one: once built, `.js`; from source (the tests, through
 * tsx's loader), `.ts`, which a Worker loads only once tsx's hooks are registered in it too.
 */
function spawn(workerData: LinkInit): Worker {
  const ext = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./thread-entry${ext}`, import.meta.url);
  const options = { workerData, stdout: false, stderr: false };
  v8.setFlagsFromString(`--max-semi-space-size=${LINK_SEMI_SPACE_MB}`);
  let worker: Worker;
  try {
    if (ext === '.js') worker = new Worker(entry, options);
    else {
      const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); })`;
      worker = new Worker(boot, { ...options, eval: true });
    }
  } catch (e) {
    restoreSemiSpace();
    throw e;
  }
  worker.once('online', restoreSemiSpace);
  worker.once('exit', restoreSemiSpace);
  return worker;
}

function restoreSemiSpace(): void {
  v8.setFlagsFromString(
    `--max-semi-space-size=${processSemiSpaceMb(process.execArgv, process.env['NODE_OPTIONS'])}`,
  );
}

/** A send waiting for its outcome from the thread. */
type Pending = (o: SendOutcome) => void;

/** The sends that share one AbortSignal, watched once (`AbortWatch`). */
class SignalGroup implements AbortWaiter {
  constructor(
    readonly id: number,
    private readonly onAborted: (id: number) => void,
  ) {}

  onAbort(): void {
    this.onAborted(this.id);
  }
}

export function makeThreadedSmppAdapter(config: SmppCarrierConfig, log?: LinkLog): CarrierAdapter {
  return new ThreadedSmpp(config, log);
}

class ThreadedSmpp implements CarrierAdapter {
  readonly name: string;
  readonly maxInFlight: number;
  readonly window: number;
  readonly #state = new Int32Array(new SharedArrayBuffer(STATE_SLOTS * 4));
  readonly #pending = new Map<number, Pending>();
  readonly #signals = new WeakMap<AbortSignal, SignalGroup>();
  readonly #aborts = new AbortWatch();
  #worker: Worker | undefined;
  #events: CarrierEvents | undefined;
  #nextId = 1;
  #batch: (number | string)[] = [];
  #flushing = false;
  #closing = false;

  constructor(
    private readonly config: SmppCarrierConfig,
    private readonly log: LinkLog | undefined,
  ) {
    this.name = config.name;
    this.maxInFlight = unrecordedBound(config);
    this.window = config.window;
    Atomics.store(this.#state, LINK, LINKS.indexOf('connecting'));
  }

  /**
   * Room as the thread last wrote it, and as this side knows it at once: the sends handed over and not
   * yet answered fill the window before the thread has written them (a message of several parts
   * takes more slots, which the thread's own figure covers).
   */
  hasCapacity(): boolean {
    return this.#pending.size < this.window && Atomics.load(this.#state, ROOM) === 1;
  }

  link(): LinkState {
    return LINKS[Atomics.load(this.#state, LINK)] ?? 'down';
  }

  inFlight(): number {
    return Atomics.load(this.#state, IN_FLIGHT);
  }

  start(events: CarrierEvents): Promise<void> {
    this.#events = events;
    return this.#spawn();
  }

  send(msg: OutboundSms, signal: AbortSignal): Promise<SendOutcome> {
    if (signal.aborted) return Promise.resolve(retry('aborted'));
    if (!this.#worker) return Promise.resolve(retry('SMPP link down'));
    let group = this.#signals.get(signal);
    if (!group) {
      group = new SignalGroup(this.#nextId++, (id) => {
        // The sends of this turn first: an abort that overtook them would find nothing to stop.
        this.#flush();
        this.#post({ t: 'abort', signal: id });
      });
      this.#signals.set(signal, group);
      this.#aborts.watch(signal, group);
    }
    const id = this.#nextId++;
    this.#batch.push(id, group.id, msg.smsId, msg.from, msg.to, msg.body);
    if (!this.#flushing) {
      this.#flushing = true;
      process.nextTick(this.#flush);
    }
    return new Promise((resolve) => this.#pending.set(id, resolve));
  }

  async close(): Promise<void> {
    this.#closing = true;
    const worker = this.#worker;
    if (!worker) return;
    const closed = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.on('message', (m: FromLink) => {
        if (m.t === 'closed') void worker.terminate();
      });
    });
    this.#post({ t: 'close' });
    // The adapter's own close waits at most ~1 s for an unbind_resp; a thread that hangs is ended.
    const force = setTimeout(() => void worker.terminate(), 3_000);
    await closed;
    clearTimeout(force);
  }

  /**
   * Posts the sends of the current callback and everything it set off (its promise continuations):
   * `process.nextTick` runs once those have settled, still before the event loop moves on. The sends
   * of a claimed batch or of a turn's first attempts are made in a `setImmediate` callback (the
   * batches' flush, `store/engine/batcher.ts`), and a `setImmediate` from there runs on the loop's next
   * turn, so the submits waited one whole turn, several ms under load. Posting on `nextTick`, six
   * alternating pairs off-net at window 10: median 4,119 sends a second against 3,318, and 284-340
   * µs of CPU per send against 347-434 (docs/benchmarks.md, "Sends posted on `process.nextTick`").
   */
  readonly #flush = (): void => {
    this.#flushing = false;
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length) this.#post({ t: 'sends', batch });
  };

  #post(m: ToLink): void {
    this.#worker?.postMessage(m);
  }

  #spawn(): Promise<void> {
    const worker = spawn({ config: this.config, state: this.#state.buffer as SharedArrayBuffer });
    this.#worker = worker;
    return new Promise((resolve) => {
      worker.on('message', (m: FromLink) => {
        if (m.t === 'started') resolve();
        else this.#onMessage(m);
      });
      // An uncaught error ends the thread; 'exit' follows and answers what waited on it.
      worker.on('error', (err) => this.log?.warn({ carrier: this.name, err }, 'SMPP link thread failed'));
      worker.on('exit', (code) => this.#onExit(worker, resolve, code));
      worker.postMessage({ t: 'start' } satisfies ToLink);
    });
  }

  #onMessage(m: FromLink): void {
    switch (m.t) {
      case 'outcomes': {
        const b = m.batch;
        for (let i = 0; i < b.length; i += 2) {
          const id = b[i] as number;
          const resolve = this.#pending.get(id);
          if (!resolve) continue;
          this.#pending.delete(id);
          resolve(fromWire(b[i + 1] as WireOutcome));
        }
        return;
      }
      case 'event': {
        const events = this.#events;
        const handled = events
          ? (events[m.kind] as (a: unknown) => Promise<void>).call(events, m.arg)
          : Promise.resolve();
        handled.then(
          () => this.#post({ t: 'event-done', id: m.id }),
          (e: unknown) =>
            this.#post({ t: 'event-done', id: m.id, error: e instanceof Error ? e.message : String(e) }),
        );
        return;
      }
      case 'log':
        this.log?.[m.level]?.(m.fields, m.msg);
        return;
    }
  }

  /** The thread ended: answer what waited on it, and start another unless closing. */
  #onExit(worker: Worker, started: () => void, code: number): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    if (!this.#closing)
      this.log?.warn(
        {
          carrier: this.name,
          exitCode: code,
          unanswered: this.#pending.size,
          retryInMs: this.config.reconnect.minMs,
        },
        'SMPP link thread ended; its sends go back to the queue and another thread starts',
      );
    Atomics.store(this.#state, ROOM, 0);
    Atomics.store(this.#state, IN_FLIGHT, 0);
    Atomics.store(this.#state, LINK, LINKS.indexOf('down'));
    for (const resolve of this.#pending.values()) resolve(retry('SMPP link down'));
    this.#pending.clear();
    started();
    if (this.#closing) return;
    setTimeout(() => void this.#spawn(), this.config.reconnect.minMs).unref();
  }
}
