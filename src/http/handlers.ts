/** What the HTTP edge calls: one use-case per route. */
import type { CheckBalance } from '../app/balance.js';
import type { ListContacts } from '../app/contacts.js';
import type { FetchMessages } from '../app/fetch-messages.js';
import type { ReportAccountRemoval, ReportPushToken } from '../app/push-tokens.js';
import type { CheckRate } from '../app/rate-check.js';
import type { ReceiveWebhook } from '../app/receive-webhook.js';
import type { SendMessage } from '../app/send-message.js';
import type { MediaHandlers } from './media.routes.js';
import type { ProvisionHandlers } from './provision.routes.js';

export interface AppHandlers {
  sendMessage: SendMessage;
  fetchMessages: FetchMessages;
  reportPushToken: ReportPushToken;
  reportAccountRemoval: ReportAccountRemoval;
  inbound: InboundHandlers;
  /** External provisioning (`/provision`). */
  provisioning: ProvisionHandlers;
  appServices: AppServiceHandlers;
  /** The media upload service and signed downloads (`/media/…`); absent = not served. */
  media?: MediaHandlers;
}

/** The app's other services: `/balance`, `/rate`, `/contacts` (http/app-services.routes.ts). */
export interface AppServiceHandlers {
  checkBalance: CheckBalance;
  checkRate: CheckRate;
  listContacts: ListContacts;
}

/** Carrier webhooks (`/inbound/<name>`). */
export interface InboundHandlers {
  /** Public base URL the carriers call; empty = the request's own scheme and Host. */
  publicUrl: string;
  receiveWebhook: ReceiveWebhook;
}
