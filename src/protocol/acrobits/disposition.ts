/**
 * `application/x-acro-disposition-notification` (x-acro-disposition-notification doc; protocol notes
 * §6). A sender asks for notifications with `disposition_notification: "<message-id>:<list>"`, the
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

/** The body of a delivery notification for `messageId`, delivered at `datetime` (RFC 3339). */
export function deliveryNotificationBody(messageId: string, datetime: string): string {
  return JSON.stringify({
    'message-id': messageId,
    'delivery-notification': { datetime, status: 'delivered' },
  });
}
