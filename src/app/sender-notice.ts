/**
 * A message the service itself puts in a sender's inbox about one of their messages: a bounce notice
 * (deliver.ts) or a disposition notification (dispositions.ts). It comes "from" the address the sender
 * wrote to, so it lands in that conversation (`stream_id` is the peer), and it is already `received`.
 */
import type { NewMessage } from './ports.js';

/** The notice for the sender of `m` (who must be a local account), with `body` as `contentType`. */
export function noticeToSender(
  m: { senderAccountId: number; from: string; to: string },
  body: string,
  contentType: string,
): NewMessage {
  return {
    senderAccountId: null,
    recipientAccountId: m.senderAccountId,
    from: m.to,
    to: m.from,
    toRaw: m.from,
    body,
    contentType,
    dispositionNotification: null,
    smart: false,
    status: 'received',
    segments: 1,
    chargeMicros: 0,
  };
}
