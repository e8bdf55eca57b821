/**
 * Counting wrappers around the ports the composition root wires: each one is the port it wraps, plus
 * one count per call. The use-cases and carriers do not know they are counted.
 */
import { performance } from 'node:perf_hooks';
import type { CarrierAdapter, SendOutcome } from '../app/ports.js';
import type { PushGateway } from '../app/push.js';
import type { HandleReceipt } from '../app/receipts.js';
import type { ReceiveWebhook } from '../app/receive-webhook.js';
import type { SendMessage } from '../app/send-message.js';
import { SmsError } from '../errors.js';
import type { Metrics } from './registry.js';

/** The carrier with each submit counted by outcome and timed; every other member is the carrier's own. */
export function countSubmits(carrier: CarrierAdapter, m: Metrics): CarrierAdapter {
  const name = carrier.name;
  const send: CarrierAdapter['send'] = async (msg, signal) => {
    const t0 = performance.now();
    let out: SendOutcome;
    try {
      out = await carrier.send(msg, signal);
    } catch (e) {
      m.submit(name, 'error', (performance.now() - t0) / 1000);
      throw e;
    }
    m.submit(name, submitOutcome(out), (performance.now() - t0) / 1000);
    return out;
  };
  // A proxy rather than a copy: members added to the port later (or a carrier's own accessors such as
  // `link()`) reach the carrier unchanged, bound to it (its private fields need the real `this`).
  // Bound once per method: `hasCapacity` is asked on every off-net send.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(carrier, {
    get(target, prop) {
      if (prop === 'send') return send;
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      let b = bound.get(prop);
      if (b === undefined) {
        b = v.bind(target);
        bound.set(prop, b);
      }
      return b;
    },
  });
}

function submitOutcome(out: SendOutcome): string {
  if (out.ok) return 'accepted';
  return out.retryable ? 'retryable' : 'refused';
}

/** The push service with each push counted by outcome. */
export function countPushes(gateway: PushGateway, m: Metrics): PushGateway {
  return {
    async send(n, signal) {
      try {
        const answer = await gateway.send(n, signal);
        m.push(answer.ok ? 'ok' : answer.gone ? 'gone' : 'failed');
        return answer;
      } catch (e) {
        m.push('error');
        throw e;
      }
    },
    ...(gateway.close ? { close: () => gateway.close?.() ?? Promise.resolve() } : {}),
  };
}

/** The receipt use-case with each receipt counted by carrier, status and whether it found its message. */
export function countReceipts(handle: HandleReceipt, m: Metrics): HandleReceipt {
  return async (r) => {
    const out = await handle(r);
    m.receipt(r.carrier, r.status, out.matched);
    return out;
  };
}

/** Send Message with each accepted message counted (on-net or off) and each refusal by its code. */
export function countSends(send: SendMessage, m: Metrics): SendMessage {
  // `.then` with two handlers made once: one promise per send, not an async frame and its await.
  const ok = (r: Awaited<ReturnType<SendMessage>>) => {
    m.accepted(r.onNet);
    return r;
  };
  const refused = (e: unknown): never => {
    m.refused(refusalReason(e));
    throw e;
  };
  return (credentials, readRequest) => send(credentials, readRequest).then(ok, refused);
}

/** `SMS_ERR_NO_CREDIT` → `no_credit`; anything not from the catalogue is `internal`. */
export function refusalReason(e: unknown): string {
  return e instanceof SmsError ? e.code.slice('SMS_ERR_'.length).toLowerCase() : 'internal';
}

/** The webhook use-case with each call counted by carrier and result (`unknown-number` → `unknown_number`). */
export function countWebhooks(receive: ReceiveWebhook, m: Metrics): ReceiveWebhook {
  return async (carrier, req) => {
    try {
      const out = await receive(carrier, req);
      m.webhook(out.kind === 'unknown-carrier' ? 'other' : carrier, out.kind.replace('-', '_'));
      return out;
    } catch (e) {
      m.webhook(carrier, 'error');
      throw e;
    }
  };
}
