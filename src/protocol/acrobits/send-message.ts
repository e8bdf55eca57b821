/**
 * Send Message (send_message doc): template fields → a command, result → the answer body.
 * Recipient `to|sms_to`, text `body|sms_body|text`, plus `smart`, `content_type`,
 * `disposition_notification` (https://doc.acrobits.net/api/client/send_message.html).
 */
import { CONTENT_TYPE_TEXT } from '../../domain/message.js';
import { badRequest } from '../../errors.js';
import { type Fields, flag, pick } from './fields.js';

export const SEND_ALIASES = {
  to: ['to', 'sms_to'],
  body: ['body', 'sms_body', 'text'],
  smart: ['smart'],
  contentType: ['content_type'],
  disposition: ['disposition_notification'],
} as const;

/** What the app asked for, before any business rule. */
export interface SendRequest {
  to: string;
  body: string;
  smart: boolean;
  contentType: string;
  dispositionNotification: string | null;
}

/** Read a send request from merged fields. Missing recipient → 400 (authentication comes first). */
export function readSendRequest(fields: Fields): SendRequest {
  const to = pick(fields, SEND_ALIASES.to);
  if (to === undefined || to.trim() === '') throw badRequest('Missing recipient (to)');
  const contentType = pick(fields, SEND_ALIASES.contentType)?.trim();
  const disposition = pick(fields, SEND_ALIASES.disposition)?.trim();
  return {
    to,
    body: pick(fields, SEND_ALIASES.body) ?? '',
    smart: flag(pick(fields, SEND_ALIASES.smart)),
    contentType: contentType || CONTENT_TYPE_TEXT,
    dispositionNotification: disposition || null,
  };
}

/** The success body: `{"sms_id": "<id>"}`, the id Fetch Messages reports later. */
export function sendResponse(smsId: number): { sms_id: string } {
  return { sms_id: String(smsId) };
}
