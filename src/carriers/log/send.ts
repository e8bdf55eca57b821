/**
 * The `log` carrier, for trials and demos: it accepts every message and records it as a log line
 * (sender, recipient, our sms_id and length: never the text, which is the user's) and through the
 * message's own status, `sent`, with a `log-<sms_id>` carrier id. It sends nothing anywhere, so it is
 * never a default: an operator must configure it by name (docs/delivery.md).
 */
import type { CarrierAdapter } from '../../app/ports.js';

/** Where the log carrier writes (a pino logger fits). */
export interface LogCarrierSink {
  info(obj: object, msg: string): void;
}

/** Build the log carrier. */
export function makeLogCarrier(cfg: { name: string }, log: LogCarrierSink): CarrierAdapter {
  return {
    name: cfg.name,
    async send(msg) {
      log.info(
        { carrier: cfg.name, smsId: msg.smsId, from: msg.from, to: msg.to, chars: [...msg.body].length },
        'log carrier accepted a message (not sent anywhere)',
      );
      return { ok: true, carrierRefs: [`log-${msg.smsId}`] };
    },
  };
}
