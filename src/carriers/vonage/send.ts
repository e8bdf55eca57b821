/**
 * Vonage (Nexmo) SMS API: `POST https://rest.nexmo.com/sms/json`, form fields `api_key`, `api_secret`,
 * `from`, `to` (digits, no `+`), `text`, `type=unicode`. It answers HTTP 200 even on failure: each part
 * in `messages[]` has its own `status` ("0" = accepted) and `error-text`, and Vonage splits long texts
 * itself, so an accepted message yields one `message-id` per part.
 * Sources: https://developer.vonage.com/en/api/sms#send-an-sms,
 * https://developer.vonage.com/en/api-errors/sms (status codes)
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
import type { VonageConfig } from './config.js';

export type { VonageConfig } from './config.js';

/** Vonage SMS API status codes (api-errors/sms). Codes not listed are permanent `rejected`. */
export const VONAGE_STATUS: Record<string, RefusalKind | 'retry'> = {
  '1': 'retry', // Throttled
  '3': 'invalid_recipient', // Invalid Parameters (usually the number)
  '5': 'retry', // Internal Error
  '6': 'no_route', // Invalid Message: unroutable, e.g. unrecognised number prefix
  '7': 'blocked', // Number Barred
  '15': 'rejected', // Invalid Sender Address
  '29': 'blocked', // Non-Whitelisted Destination (trial account)
  '33': 'invalid_recipient', // Number De-activated
};

interface VonagePart {
  status?: unknown;
  'message-id'?: unknown;
  'error-text'?: unknown;
}

/** Build a Vonage SMS API adapter. */
export function makeVonageCarrier(cfg: VonageConfig, opts: { dispatcher?: Dispatcher } = {}): CarrierAdapter {
  const url = `${cfg.baseUrl.replace(/\/$/, '')}/sms/json`;
  return makeHttpAdapter({
    name: cfg.name,
    timeoutMs: cfg.timeoutMs,
    secrets: [cfg.apiKey, cfg.apiSecret],
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    build(msg) {
      const form = new URLSearchParams({
        api_key: cfg.apiKey,
        api_secret: cfg.apiSecret,
        from: msg.from.replace(/^\+/, ''),
        to: msg.to.replace(/^\+/, ''),
        text: msg.body,
        // unicode is safe for any text; Vonage charges by its own segment count either way.
        type: 'unicode',
        'client-ref': msg.smsId,
      });
      if (cfg.callbackUrl) form.set('callback', cfg.callbackUrl);
      return {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      };
    },
    classify(answer) {
      const json = parseJson(answer.text) as { messages?: VonagePart[] } | undefined;
      if (isTransientStatus(answer.status)) return retry(answerReason(answer, json));
      const parts = Array.isArray(json?.messages) ? json.messages : [];
      if (answer.status !== 200 || parts.length === 0) return refuse('rejected', answerReason(answer, json));
      const bad = parts.find((p) => idString(p.status) !== '0');
      if (!bad) return accepted(...parts.map((p) => idString(p['message-id'])));
      const status = idString(bad.status);
      const text = typeof bad['error-text'] === 'string' ? bad['error-text'] : 'refused';
      const reason = `Vonage status ${status}: ${text}`.slice(0, 300);
      // If some parts went out and a later one failed, sending again would duplicate the earlier ones;
      // we still report the failure so the user knows the text did not arrive whole.
      const kind = VONAGE_STATUS[status] ?? 'rejected';
      return kind === 'retry' ? retry(reason) : refuse(kind, reason);
    },
  });
}
