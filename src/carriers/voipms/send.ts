/**
 * VoIP.ms REST/JSON API: `GET https://voip.ms/api/v1/rest.php?api_username=…&api_password=…&method=sendSMS
 * &did=…&dst=…&message=…`. DIDs and destinations are 10-digit NANP numbers. It answers HTTP 200 for
 * everything: `{"status":"success","sms":123}` or `{"status":"invalid_dst"}`, so an error inside a 200
 * is a failure. The password rides in the query: never log the URL.
 * Sources: https://voip.ms/m/apidocs.php (sendSMS, status values)
 */
import type { Dispatcher } from 'undici';
import type { CarrierAdapter, RefusalKind } from '../../app/ports.js';
import {
  accepted,
  answerReason,
  idString,
  isTransientStatus,
  parseJson,
  refuse,
  retry,
} from '../http/answer.js';
import { makeHttpAdapter } from '../http/client.js';
import type { VoipmsConfig } from './config.js';

export type { VoipmsConfig } from './config.js';

/** VoIP.ms `status` values that decide the outcome; other non-success values are `rejected`. */
export const VOIPMS_STATUS: Record<string, RefusalKind | 'retry'> = {
  invalid_dst: 'invalid_recipient', // destination is not a valid number
  missing_dst: 'invalid_recipient',
  invalid_did: 'rejected', // our sender DID is wrong or not SMS-enabled
  sms_failed: 'retry', // the SMS could not be sent, try later
  limit_reached: 'retry', // daily/rate limit of the account
  sms_toolong: 'rejected',
  message_empty: 'rejected',
  ip_not_enabled: 'rejected', // our server's IP is not allowed in the portal
  invalid_credentials: 'rejected',
};

/** `+1NXXNXXXXXX` → `NXXNXXXXXX`: VoIP.ms wants 10-digit NANP numbers. */
export function nanp10(e164: string): string {
  const d = e164.replace(/\D/g, '');
  return d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
}

/** Build a VoIP.ms adapter (SMS only; MMS via `sendMMS` is left for later). */
export function makeVoipmsCarrier(cfg: VoipmsConfig, opts: { dispatcher?: Dispatcher } = {}): CarrierAdapter {
  const base = `${cfg.baseUrl.replace(/\/$/, '')}/api/v1/rest.php`;
  return makeHttpAdapter({
    name: cfg.name,
    timeoutMs: cfg.timeoutMs,
    secrets: [cfg.apiPassword],
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    build(msg) {
      const q = new URLSearchParams({
        api_username: cfg.apiUsername,
        api_password: cfg.apiPassword,
        method: 'sendSMS',
        did: nanp10(msg.from),
        dst: nanp10(msg.to),
        message: msg.body,
      });
      return { method: 'GET', url: `${base}?${q}`, headers: { accept: 'application/json' } };
    },
    classify(answer) {
      const json = parseJson(answer.text) as { status?: unknown; sms?: unknown } | undefined;
      if (isTransientStatus(answer.status)) return retry(answerReason(answer, json));
      const status = idString(json?.status);
      if (answer.status === 200 && status === 'success') return accepted(idString(json?.sms));
      if (!status) return refuse('rejected', answerReason(answer, json));
      const reason = `VoIP.ms status ${status}`;
      const kind = VOIPMS_STATUS[status] ?? 'rejected';
      return kind === 'retry' ? retry(reason) : refuse(kind, reason);
    },
  });
}
