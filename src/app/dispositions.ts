/**
 * Disposition notifications back to the sender
 * (https://doc.acrobits.net/api/client/x-acro-disposition-notification.html). A message whose `disposition_notification` marker asks for
 * `positive-delivery` and/or `display` earns its sender an `application/x-acro-disposition-notification`
 * message in their Fetch stream when that happens:
 * - delivered: a carrier's `delivered` receipt (`receipts.ts`), or at once for an on-net message,
 *   which is in the recipient's inbox the moment Send Message answers;
 * - displayed: when a device of the recipient first fetches it (the displayed rule, `fetch-messages.ts`).
 * The notification comes from the peer, so it sits in the stream of the message it is about, and is
 * keyed `dn|<message id>|<kind>` so however many receipts or fetches race, it is stored once.
 */

import {
  asksFor,
  type DispositionKind,
  notificationBody,
  parseDispositionRequest,
} from '../domain/disposition.js';
import { CONTENT_TYPE_DISPOSITION, type Message } from '../domain/message.js';
import { rfc3339 } from '../domain/time.js';
import type { NewMessage } from './ports.js';
import { noticeToSender } from './sender-notice.js';

/** What a notification is built from: the message it is about. */
export type NotifiedMessage = Pick<
  Message,
  'id' | 'senderAccountId' | 'from' | 'to' | 'dispositionNotification'
>;

/** A notification ready for `InboxStore.storeKeyed`. */
export interface Notification {
  message: NewMessage;
  key: string;
  /** The message it is about (its timeline records the notice). */
  about: number;
}

/**
 * The notification of `kind` for `m` at `at` (ms), or undefined when `m` did not ask for it, has no
 * local sender to tell (a carrier's inbound message).
 */
export function dispositionNotice(
  m: NotifiedMessage,
  kind: DispositionKind,
  at: number,
): Notification | undefined {
  const ask = parseDispositionRequest(m.dispositionNotification);
  if (!ask || !asksFor(ask, kind) || m.senderAccountId === null) return undefined;
  return {
    message: noticeToSender(
      { senderAccountId: m.senderAccountId, from: m.from, to: m.to },
      notificationBody(ask.messageId, kind, rfc3339(at)),
      CONTENT_TYPE_DISPOSITION,
    ),
    key: `dn|${m.id}|${kind}`,
    about: m.id,
  };
}
