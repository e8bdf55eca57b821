/** What the HTTP edge calls: one use-case per route (STYLE.md habit 8). */
import type { FetchMessages } from '../app/fetch-messages.js';
import type { ReceiveInbound } from '../app/inbound.js';
import type { ReportAccountRemoval, ReportPushToken } from '../app/push-tokens.js';
import type { HandleReceipt } from '../app/receipts-relay.js';
import type { SendMessage } from '../app/send-message.js';
import type { Webhook } from '../carriers/webhooks.js';

export interface AppHandlers {
  sendMessage: SendMessage;
  fetchMessages: FetchMessages;
  reportPushToken: ReportPushToken;
  reportAccountRemoval: ReportAccountRemoval;
  inbound: InboundHandlers;
}

/** Carrier webhooks (`/inbound/<name>`). */
export interface InboundHandlers {
  webhooks: ReadonlyMap<string, Webhook>;
  /** Public base URL the carriers call; empty = the request's own scheme and Host. */
  publicUrl: string;
  receiveInbound: ReceiveInbound;
  handleReceipt: HandleReceipt;
}
