/**
 * The SMPP link's thread (`thread.ts` starts it and says what crosses): the ordinary adapter
 * (`adapter.ts`) with its socket, window and PDUs, fed the sends the other side posts, and posting
 * back their outcomes, the link's events and its log lines. After every turn that changed them it
 * writes the link's state into the shared `Int32Array`, and every `STATE_MS` in any case (a link that
 * went down between sends).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CarrierEvents, OutboundSms, SendOutcome } from '../../app/ports.js';
import { makeSmppAdapter } from './adapter.js';
import type { LinkLog } from './link.js';
import { retry } from './submit.js';
import {
  type FromLink,
  IN_FLIGHT,
  LINK,
  LINKS,
  type LinkInit,
  ROOM,
  SEND_FIELDS,
  type ToLink,
  toWire,
  type WireOutcome,
} from './thread.js';

/** How often the state is written when nothing else did. */
const STATE_MS = 100;

const port = parentPort;
if (!port) throw new Error('the SMPP link thread runs only as a worker thread');
const post = (m: FromLink) => port.postMessage(m);
const { config, state: buffer } = workerData as LinkInit;
const state = new Int32Array(buffer);

const log: LinkLog = {
  warn: (fields, msg) => post({ t: 'log', level: 'warn', fields, msg }),
  info: (fields, msg) => post({ t: 'log', level: 'info', fields, msg }),
  debug: (fields, msg) => post({ t: 'log', level: 'debug', fields, msg }),
};
const carrier = makeSmppAdapter(config, log);

const writeState = () => {
  Atomics.store(state, ROOM, carrier.hasCapacity?.() ? 1 : 0);
  Atomics.store(state, IN_FLIGHT, carrier.inFlight?.() ?? 0);
  Atomics.store(state, LINK, LINKS.indexOf(carrier.link?.() ?? 'down'));
};
const stateTimer = setInterval(writeState, STATE_MS);

// The events the adapter reports wait for the other side's answer (durable, or not).
let nextEvent = 1;
const eventsWaiting = new Map<number, { resolve(): void; reject(e: Error): void }>();
const relay =
  (kind: keyof CarrierEvents) =>
  (arg: unknown): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = nextEvent++;
      eventsWaiting.set(id, { resolve, reject });
      post({ t: 'event', id, kind, arg });
    });
const events: CarrierEvents = { receipt: relay('receipt'), inbound: relay('inbound'), part: relay('part') };

// One AbortController per signal of the other side, dropped once none of its sends waits.
const signals = new Map<number, { ctrl: AbortController; sends: number }>();

let outcomes: (number | WireOutcome)[] = [];
let flushing = false;
const flush = () => {
  flushing = false;
  const batch = outcomes;
  outcomes = [];
  writeState();
  if (batch.length) post({ t: 'outcomes', batch });
};
const settle = (id: number, signalId: number, outcome: SendOutcome) => {
  const s = signals.get(signalId);
  if (s && --s.sends === 0) signals.delete(signalId);
  outcomes.push(id, toWire(outcome));
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
};

port.on('message', (m: ToLink) => {
  switch (m.t) {
    case 'sends': {
      const b = m.batch;
      for (let i = 0; i < b.length; i += SEND_FIELDS) {
        const id = b[i] as number;
        const signalId = b[i + 1] as number;
        let s = signals.get(signalId);
        if (!s) {
          s = { ctrl: new AbortController(), sends: 0 };
          signals.set(signalId, s);
        }
        s.sends++;
        const msg: OutboundSms = {
          smsId: b[i + 2] as string,
          from: b[i + 3] as string,
          to: b[i + 4] as string,
          body: b[i + 5] as string,
        };
        carrier.send(msg, s.ctrl.signal).then(
          (o) => settle(id, signalId, o),
          (e: unknown) => settle(id, signalId, retry(String(e))),
        );
      }
      // After the sends' own continuations, which write their submits.
      setImmediate(writeState);
      return;
    }
    case 'abort':
      signals.get(m.signal)?.ctrl.abort();
      return;
    case 'event-done': {
      const w = eventsWaiting.get(m.id);
      eventsWaiting.delete(m.id);
      if (m.error === undefined) w?.resolve();
      else w?.reject(new Error(m.error));
      return;
    }
    case 'start':
      void carrier.start?.(events).then(() => {
        writeState();
        post({ t: 'started' });
      });
      return;
    case 'close':
      clearInterval(stateTimer);
      void (carrier.close?.() ?? Promise.resolve()).then(() => {
        for (const w of eventsWaiting.values()) w.reject(new Error('closing'));
        post({ t: 'closed' });
      });
      return;
  }
});
