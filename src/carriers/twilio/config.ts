/**
 * The `twilio` carrier's key table: sending through Twilio Programmable Messaging, and the webhooks it
 * posts to `/inbound/<name>` (inbound messages and status callbacks), verified with the same Auth Token.
 * Sources: https://www.twilio.com/docs/messaging/api/message-resource,
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 */
import { type Static, Type } from 'typebox';
import { baseUrl, carrierKeys, timeoutMs } from '../keys.js';

/** The webhook key: the Auth Token signs every request Twilio makes to us. */
export const twilioWebhookKeys = {
  authToken: Type.String({
    minLength: 1,
    secret: true,
    description:
      "Auth Token: authenticates API calls and verifies the `X-Twilio-Signature` of this carrier's webhooks.",
  }),
};

export const TwilioKeys = carrierKeys('twilio', 'a twilio carrier', {
  accountSid: Type.String({ minLength: 1, description: 'Account SID (`AC…`).' }),
  ...twilioWebhookKeys,
  messagingServiceSid: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Messaging Service SID; when set it replaces `From` (Twilio picks the sender from the pool).',
    }),
  ),
  statusCallback: Type.Optional(
    Type.String({
      pattern: '^https?://',
      hint: 'must start with http:// or https://',
      description: "Where Twilio posts delivery status: this service's `/inbound/<name>` public URL.",
    }),
  ),
  baseUrl: baseUrl('https://api.twilio.com'),
  timeoutMs: timeoutMs(),
});

/** A twilio carrier's resolved slice. `authToken` is a secret. */
export type TwilioConfig = Static<typeof TwilioKeys>;
