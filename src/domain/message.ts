/**
 * Glossary (read this first).
 *
 * - **account**: a local user of the provider; logs in with username + password, owns phone numbers.
 * - **message**: one text from one sender to one recipient. Its numeric `id` is the `sms_id` the app
 *   sees: Send Message returns it, Fetch Messages reports it in `sent_smss` (sender side) and
 *   `received_smss` (recipient side). One row serves both sides of an on-net message.
 * - **on-net**: the recipient is another local account (by number, username or SIP address); the
 *   message lands in its inbox at once and never touches a carrier.
 * - **off-net**: the recipient is an ordinary phone; the message waits in the outbox for a carrier.
 * - **carrier**: an SMS provider reached over HTTP or SMPP (`carriers/`).
 * - **job**: a row in the outbox table: "deliver message N" or "push to account A", with a lease.
 * - **segment**: one SMS as a carrier counts it (160 GSM-7 septets or 70 UCS-2 units alone, 153/67
 *   when concatenated); credit is charged per segment.
 * - **receipt**: a carrier's delivery report (DLR) that moves a sent message to delivered or failed.
 */

/** Lifecycle of an outgoing message: queued → sending → sent → delivered | failed. */
export type OutboundStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';
/** Inbound and on-net messages are simply `received` once they sit in an inbox. */
export type MessageStatus = OutboundStatus | 'received';

export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'received',
];

/** Acrobits content types (https://doc.acrobits.net/api/client/x-acro-filetransfer.html and x-acro-disposition-notification.html). Text is assumed when the app sends none. */
export const CONTENT_TYPE_TEXT = 'text/plain';
export const CONTENT_TYPE_FILE_TRANSFER = 'application/x-acro-filetransfer+json';
export const CONTENT_TYPE_DISPOSITION = 'application/x-acro-disposition-notification';

/** A message as stored, in the shape the use-cases work with. Times are epoch milliseconds. */
export interface Message {
  id: number;
  senderAccountId: number | null;
  recipientAccountId: number | null;
  /** Sender address as shown to the recipient: E.164 number, or username for on-net without number. */
  from: string;
  /** Normalised recipient (E.164, SIP address or local username). */
  to: string;
  /** Recipient exactly as the app sent it. */
  toRaw: string;
  body: string;
  contentType: string;
  dispositionNotification: string | null;
  status: MessageStatus;
  segments: number;
  /** Credit charged, in micro-units (millionths of the currency), refunded on permanent failure. */
  chargeMicros: number;
  carrier: string | null;
  carrierRef: string | null;
  attempts: number;
  lastError: string | null;
  displayed: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * The fields of a message Fetch Messages reads. A page is 200 rows, and turning SQLite values into
 * JavaScript is most of its cost: 9 columns instead of 19 halve it (measured, docs/benchmarks.md).
 */
export type FetchedMessage = Pick<
  Message,
  | 'id'
  | 'senderAccountId'
  | 'from'
  | 'to'
  | 'body'
  | 'contentType'
  | 'dispositionNotification'
  | 'displayed'
  | 'createdAt'
>;
