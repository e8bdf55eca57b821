/** What the HTTP edge calls: one use-case per route. */
import type { FetchMessages } from '../app/fetch-messages.js';
import type { ReportAccountRemoval, ReportPushToken } from '../app/push-tokens.js';
import type { ReceiveWebhook } from '../app/receive-webhook.js';
import type { SendMessage } from '../app/send-message.js';
import type { ProvisionHandlers } from './provision.routes.js';

export interface AppHandlers {
  sendMessage: SendMessage;
  fetchMessages: FetchMessages;
  reportPushToken: ReportPushToken;
  reportAccountRemoval: ReportAccountRemoval;
  inbound: InboundHandlers;
  /** External provisioning (`/provision`). */
  provisioning: ProvisionHandlers;
}

/** Carrier webhooks (`/inbound/<name>`). */
export interface InboundHandlers {
  /** Public base URL the carriers call; empty = the request's own scheme and Host. */
  publicUrl: string;
  receiveWebhook: ReceiveWebhook;
}
