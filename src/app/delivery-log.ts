/**
 * The deliver job's log lines: what the operator watches to see carriers refuse or fail. One line per
 * failed attempt and one per message given up or refused; never the text, and the message's numbers
 * only by their last four digits (`…4321`), as a carrier's reason may quote them.
 */
import { maskCredentials, shortText } from '../domain/redact.js';
import type { Log } from './ports.js';

/** Log messages, named in docs/deployment.md. */
export const DELIVERY_LOG = {
  retry: 'delivery attempt failed, will retry',
  gaveUp: 'delivery failed: gave up',
  refused: 'delivery failed: refused by the carrier',
  noRoute: 'delivery failed: no route',
  configuration: 'carrier configuration error',
} as const;

/** What the lines of one message may not show. */
export interface Private {
  body: string;
  numbers: readonly string[];
}

/** A carrier's reason as a log line may carry it: masked, on one line, without the message's text. */
export function reasonForLog(reason: string, p: Private): string {
  let out = reason;
  if (p.body.trim().length >= 3) out = out.split(p.body).join('[text]');
  for (const n of p.numbers) {
    const digits = n.replace(/\D/g, '');
    if (digits.length < 5) continue;
    const short = `…${digits.slice(-4)}`;
    out = out.split(n).join(short).split(digits).join(short);
  }
  return shortText(maskCredentials(out), 300);
}

/** The deliver job's logger for one message. */
export function deliveryLog(log: Log | undefined, smsId: number, p: Private) {
  const reason = (r: string) => reasonForLog(r, p);
  return {
    retry(carrier: string, r: string, attempt: number, retryAt: number) {
      log?.warn(
        { carrier, smsId, attempt, retryAt: new Date(retryAt).toISOString(), reason: reason(r) },
        DELIVERY_LOG.retry,
      );
    },
    gaveUp(carrier: string, r: string, attempts: number) {
      log?.warn({ carrier, smsId, attempts, reason: reason(r) }, DELIVERY_LOG.gaveUp);
    },
    refused(carrier: string, kind: string, r: string, attempts: number, configKey?: string) {
      if (configKey !== undefined) {
        log?.error({ carrier, key: configKey, smsId, reason: reason(r) }, DELIVERY_LOG.configuration);
      }
      log?.warn({ carrier, smsId, kind, attempts, reason: reason(r) }, DELIVERY_LOG.refused);
    },
    noRoute(attempts: number) {
      log?.warn({ smsId, attempts }, DELIVERY_LOG.noRoute);
    },
  };
}
