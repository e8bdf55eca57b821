/**
 * Fetch Messages, modern API (https://doc.acrobits.net/api/client/fetch_messages_modern.html): template fields → a
 * cursor, stored messages → the JSON body the app reads.
 */
import { CONTENT_TYPE_TEXT, type FetchedMessage } from '../../domain/message.js';
import { rfc3339 } from '../../domain/time.js';
import { type Fields, pick } from './fields.js';

export const FETCH_ALIASES = {
  lastReceived: ['last_id', 'last_known_sms_id'],
  lastSent: ['last_sent_id', 'last_known_sent_sms_id'],
  device: ['device', 'installid'],
} as const;

/** The app's cursor. An id is undefined when it was empty or not one of ours (§8.12). */
export interface FetchRequest {
  lastReceivedId: number | undefined;
  lastSentId: number | undefined;
  device: string | undefined;
}

/**
 * Our sms_ids are decimal row ids. Anything else (empty on first run, another backend's id after a
 * migration, a literal `%last_known_sms_id%` from a broken template) is "unknown", never an error
 * (fetch_messages_modern doc, "Selection semantics").
 */
export function parseSmsId(v: string | undefined): number | undefined {
  const s = v?.trim();
  if (!s || !/^\d{1,15}$/.test(s)) return undefined;
  return Number(s);
}

/** Read the cursor from merged fields; nothing here can fail. */
export function readFetchRequest(fields: Fields): FetchRequest {
  return {
    lastReceivedId: parseSmsId(pick(fields, FETCH_ALIASES.lastReceived)),
    lastSentId: parseSmsId(pick(fields, FETCH_ALIASES.lastSent)),
    device: pick(fields, FETCH_ALIASES.device)?.trim() || undefined,
  };
}

/** One item of `received_smss`. */
export interface ReceivedItem {
  sms_id: string;
  sending_date: string;
  sender: string;
  sms_text: string;
  content_type: string;
  stream_id: string;
  displayed: boolean;
  disposition_notification?: string;
}

/** One item of `sent_smss`. */
export interface SentItem {
  sms_id: string;
  sending_date: string;
  recipient: string;
  sms_text: string;
  content_type: string;
  stream_id: string;
  disposition_notification?: string;
}

/** The whole answer: `date` and both arrays are always present (§8.16). */
export interface FetchResponse {
  date: string;
  received_smss: ReceivedItem[];
  sent_smss: SentItem[];
}

/**
 * Render the answer. Arrays come oldest first (openapi: sorted by `sending_date`); ids are monotonic
 * with storage time, so id order is that order. `stream_id` is the peer's address, so one
 * conversation with one number is one thread on every device.
 */
export function fetchResponse(
  now: number,
  received: readonly FetchedMessage[],
  sent: readonly FetchedMessage[],
): FetchResponse {
  return {
    date: rfc3339(now),
    received_smss: received.map((m) => {
      const item: ReceivedItem = {
        sms_id: String(m.id),
        sending_date: rfc3339(m.createdAt),
        sender: m.from,
        sms_text: m.body,
        content_type: m.contentType || CONTENT_TYPE_TEXT,
        stream_id: m.from,
        displayed: m.displayed,
      };
      if (m.dispositionNotification) item.disposition_notification = m.dispositionNotification;
      return item;
    }),
    sent_smss: sent.map((m) => {
      const item: SentItem = {
        sms_id: String(m.id),
        sending_date: rfc3339(m.createdAt),
        recipient: m.to,
        sms_text: m.body,
        content_type: m.contentType || CONTENT_TYPE_TEXT,
        stream_id: m.to,
      };
      if (m.dispositionNotification) item.disposition_notification = m.dispositionNotification;
      return item;
    }),
  };
}
