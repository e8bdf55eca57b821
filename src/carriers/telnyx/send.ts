/**
 * Telnyx Messaging v2: `POST /v2/messages` with JSON `{from, to, text}` and `Authorization: Bearer <API
 * key>`. Success answers `{"data": {"id": "...", ...}}`; errors answer
 * `{"errors": [{"code": "40310", "title": "...", "detail": "..."}]}`. A picture message adds
 * `media_urls`, an array of URLs Telnyx fetches itself (it then sends MMS).
 * Sources: https://developers.telnyx.com/api/messaging/send-message,
 * https://developers.telnyx.com/docs/messaging/messages/error-codes,
 * https://developers.telnyx.com/development/api-fundamentals/api-errors
 */
import type { Dispatcher } from 'undici';
import type { CarrierAdapter, RefusalKind } from '../../app/ports.js';
import {
  accepted,
  answerReason,
  defaultKind,
  getPath,
  idString,
  parseJson,
  refuse,
  retry,
} from '../http/answer.js';
import { makeHttpAdapter } from '../http/client.js';
import type { TelnyxConfig } from './config.js';

export type { TelnyxConfig } from './config.js';

/** Telnyx codes that decide the outcome; the rest fall back to the HTTP status. */
export const TELNYX_CODES: Record<string, RefusalKind | 'retry'> = {
  '10002': 'invalid_recipient', // Invalid phone number
  '10011': 'retry', // Too many requests
  '10016': 'invalid_recipient', // Phone number must be in +E.164 format
  '40001': 'no_route', // Not routable (landline or non-routable number)
  '40002': 'retry', // Blocked as spam (temporary)
  '40003': 'blocked', // Blocked as spam (permanent)
  '40006': 'retry', // Recipient unavailable (carrier server down)
  '40300': 'blocked', // Blocked due to STOP message
  '40310': 'invalid_recipient', // Invalid 'to' address
};

/** Build a Telnyx adapter. */
export function makeTelnyxCarrier(cfg: TelnyxConfig, opts: { dispatcher?: Dispatcher } = {}): CarrierAdapter {
  const url = `${cfg.baseUrl.replace(/\/$/, '')}/v2/messages`;
  const headers = {
    authorization: `Bearer ${cfg.apiKey}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  return makeHttpAdapter({
    name: cfg.name,
    timeoutMs: cfg.timeoutMs,
    secrets: [cfg.apiKey],
    mms: true,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    build(msg) {
      const body: Record<string, string | readonly string[]> = { from: msg.from, to: msg.to, text: msg.body };
      if (msg.mediaUrls?.length) body['media_urls'] = msg.mediaUrls;
      if (cfg.messagingProfileId) body['messaging_profile_id'] = cfg.messagingProfileId;
      if (cfg.webhookUrl) body['webhook_url'] = cfg.webhookUrl;
      return { method: 'POST', url, headers, body: JSON.stringify(body) };
    },
    classify(answer) {
      const json = parseJson(answer.text);
      if (answer.status >= 200 && answer.status < 300) return accepted(idString(getPath(json, 'data.id')));
      const code = idString(getPath(json, 'errors.0.code'));
      const title = getPath(json, 'errors.0.title');
      const detail = getPath(json, 'errors.0.detail');
      const words = [title, detail].filter((w) => typeof w === 'string' && w !== '').join(': ');
      const reason = `${words ? `HTTP ${answer.status}: ${words}` : answerReason(answer, json)}${code ? ` (${code})` : ''}`;
      const byCode = TELNYX_CODES[code];
      if (byCode === 'retry' || answer.status === 429 || answer.status >= 500) return retry(reason);
      return refuse(byCode ?? defaultKind(answer.status, answer.text), reason.slice(0, 300));
    },
  });
}
