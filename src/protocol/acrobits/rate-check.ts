/**
 * Rate Checker (https://doc.acrobits.net/api/client/rate_checker.html): template fields → what the app
 * asks about; the price → the answer. Variables `%targetNumber%` and `%smartUri%`, read under
 * `targetNumber|target_number|number|to|sms_to` and `smartUri|smart_uri`.
 *
 * The answer names the message price `messageRateString`, and `smartMessageRateString` too for an
 * on-net target, as the implementations that follow the doc do (x13a/acrobits-websvc `rate.py`). The
 * call rate fields are left out: textbridge carries messages, not calls, and a price under a call
 * field would be shown as the price of a call.
 */
import { badRequest } from '../../errors.js';
import { escapeXml } from './errors.js';
import { type Fields, pick } from './fields.js';

export const RATE_ALIASES = {
  target: ['targetnumber', 'target_number', 'number', 'to', 'sms_to'],
  smartUri: ['smarturi', 'smart_uri'],
} as const;

export interface RateRequest {
  target: string;
  /** Empty = no Smart Contacts match. */
  smartUri: string | undefined;
}

/** Missing or empty target → 400 (authentication comes first). */
export function readRateRequest(fields: Fields): RateRequest {
  const target = pick(fields, RATE_ALIASES.target)?.trim();
  if (!target) throw badRequest('Missing number (targetNumber)');
  return { target, smartUri: pick(fields, RATE_ALIASES.smartUri)?.trim() || undefined };
}

/** A price as the use-case gives it. */
export interface RateAnswer {
  display: string;
  onNet: boolean;
}

const fields = (r: RateAnswer): Array<[string, string]> =>
  r.onNet
    ? [
        ['messageRateString', r.display],
        ['smartMessageRateString', r.display],
      ]
    : [['messageRateString', r.display]];

/** `{"messageRateString":"USD 0.01"}`, plus `smartMessageRateString` for an on-net target. */
export function rateJson(r: RateAnswer): string {
  return JSON.stringify(Object.fromEntries(fields(r)));
}

/** `<response><error>0</error><messageRateString>…</messageRateString></response>`. */
export function rateXml(r: RateAnswer): string {
  const body = fields(r)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return `<response><error>0</error>${body}</response>`;
}
