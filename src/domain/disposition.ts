/**
 * `application/x-acro-disposition-notification`
 * (https://doc.acrobits.net/api/client/x-acro-disposition-notification.html). A sender asks for notifications with `disposition_notification: "<message-id>:<list>"`, the
 * list holding `positive-delivery` and/or `display`; a notification is a message of that content type
 * whose text is `{"message-id": …, "delivery-notification": {"datetime", "status"}}`.
 */

/** A parsed request marker. */
export interface DispositionRequest {
  messageId: string;
  positiveDelivery: boolean;
  display: boolean;
}

/** Parse the marker; undefined when it names no message. The id may itself hold `:`, so cut at the last. */
export function parseDispositionRequest(marker: string | null | undefined): DispositionRequest | undefined {
  if (!marker) return undefined;
  const cut = marker.lastIndexOf(':');
  const messageId = (cut < 0 ? marker : marker.slice(0, cut)).trim();
  if (!messageId) return undefined;
  const list =
    cut < 0
      ? []
      : marker
          .slice(cut + 1)
          .split(',')
          .map((s) => s.trim().toLowerCase());
  return {
    messageId,
    positiveDelivery: list.includes('positive-delivery'),
    display: list.includes('display'),
  };
}

/** The two notifications the app asks for: `positive-delivery` → delivered, `display` → displayed. */
export type DispositionKind = 'delivered' | 'displayed';

/** Does the marker ask for a notification of this kind? */
export function asksFor(ask: DispositionRequest, kind: DispositionKind): boolean {
  return kind === 'delivered' ? ask.positiveDelivery : ask.display;
}

/**
 * The body of a notification for `messageId` at `datetime` (RFC 3339), as the doc shows it:
 * `{"message-id", "delivery-notification": {"datetime", "status": "delivered"}}` or the same with
 * `display-notification` and `displayed`.
 */
export function notificationBody(messageId: string, kind: DispositionKind, datetime: string): string {
  const field = kind === 'delivered' ? 'delivery-notification' : 'display-notification';
  return JSON.stringify({ 'message-id': messageId, [field]: { datetime, status: kind } });
}
