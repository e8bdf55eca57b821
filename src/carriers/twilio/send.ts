/**
 * Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form body
 * `To`, `From`, `Body`, HTTP Basic auth with the Account SID and Auth Token. A 201 answer carries the
 * message `sid`; errors are `{"code": 21211, "message": "...", "status": 400}`. A picture message adds one
 * `MediaUrl` field per file (up to 10), URLs Twilio fetches itself; `Body` may then be empty.
 * Source: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
import type { Dispatcher } from 'undici';
import type { CarrierAdapter, RefusalKind } from '../../app/ports.js';
import { accepted, answerReason, defaultKind, idString, parseJson, refuse, retry } from '../http/answer.js';
import { basicAuth, makeHttpAdapter } from '../http/client.js';
import type { TwilioConfig } from './config.js';

export type { TwilioConfig } from './config.js';

/**
 * Twilio error codes that decide the outcome (https://www.twilio.com/docs/api/errors).
 * Codes not listed fall back to the HTTP status.
 */
const TWILIO_CODES: Record<number, RefusalKind | 'retry'> = {
  20429: 'retry', // Too Many Requests
  21211: 'invalid_recipient', // Invalid 'To' Phone Number
  21614: 'invalid_recipient', // 'To' number is not a valid mobile number
  21612: 'no_route', // The 'To' phone number is not currently reachable via SMS
  21408: 'no_route', // Permission to send an SMS has not been enabled for the region
  21610: 'blocked', // Attempt to send to unsubscribed recipient (STOP)
  30007: 'blocked', // Message filtered (carrier violation)
};

/** Build a Twilio adapter. */
export function makeTwilioCarrier(cfg: TwilioConfig, opts: { dispatcher?: Dispatcher } = {}): CarrierAdapter {
  const base = cfg.baseUrl.replace(/\/$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(cfg.accountSid)}/Messages.json`;
  const auth = basicAuth(cfg.accountSid, cfg.authToken);
  return makeHttpAdapter({
    name: cfg.name,
    timeoutMs: cfg.timeoutMs,
    secrets: [cfg.authToken, auth.slice('Basic '.length)],
    mms: true,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    build(msg) {
      const form = new URLSearchParams({ To: msg.to, Body: msg.body });
      if (cfg.messagingServiceSid) form.set('MessagingServiceSid', cfg.messagingServiceSid);
      else form.set('From', msg.from);
      if (cfg.statusCallback) form.set('StatusCallback', cfg.statusCallback);
      for (const u of msg.mediaUrls ?? []) form.append('MediaUrl', u);
      return {
        method: 'POST',
        url,
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      };
    },
    classify(answer) {
      const json = parseJson(answer.text) as { sid?: unknown; code?: unknown } | undefined;
      if (answer.status >= 200 && answer.status < 300) {
        const sid = idString(json?.sid);
        // Twilio took it: even without a sid, sending again would duplicate the message.
        return accepted(sid);
      }
      const code = typeof json?.code === 'number' ? json.code : undefined;
      const reason = `${answerReason(answer, json)}${code ? ` (${code})` : ''}`;
      const byCode = code === undefined ? undefined : TWILIO_CODES[code];
      if (byCode === 'retry' || answer.status === 429 || answer.status >= 500) return retry(reason);
      return refuse(byCode ?? defaultKind(answer.status, answer.text), reason);
    },
  });
}
