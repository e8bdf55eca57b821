/**
 * The `telnyx` carrier's key table: sending through Telnyx Messaging v2, and the Ed25519-signed message
 * events it posts to `/inbound/<name>` (accepted only when `publicKey` is set).
 * Sources: https://developers.telnyx.com/api/messaging/send-message,
 * https://developers.telnyx.com/development/api-fundamentals/webhooks
 */
import { type Static, Type } from 'typebox';
import { baseUrl, carrierKeys, type KeyProblem, timeoutMs } from '../keys.js';

const toleranceSec = () =>
  Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: 300,
    description: 'Oldest (or furthest in the future) `telnyx-timestamp` accepted, in seconds (replay guard).',
  });
const publicKey = () =>
  Type.String({
    minLength: 1,
    description:
      'Webhook public key (Mission Control → Keys & Credentials): base64 of the raw 32-byte Ed25519 key. Enables `/inbound/<name>`.',
  });

/** The webhook keys, as the deprecated `inbound.carriers` entry has them (`publicKey` required there). */
export const telnyxWebhookKeys = { publicKey: publicKey(), toleranceSec: toleranceSec() };

export const TelnyxKeys = carrierKeys('telnyx', 'a telnyx carrier', {
  apiKey: Type.String({ minLength: 1, secret: true, description: 'API key (sent as a Bearer token).' }),
  messagingProfileId: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Messaging profile to send through (needed for alphanumeric senders and number pools).',
    }),
  ),
  webhookUrl: Type.Optional(
    Type.String({
      pattern: '^https?://',
      hint: 'must start with http:// or https://',
      description:
        "Where Telnyx posts message events for each send: this service's `/inbound/<name>` public URL.",
    }),
  ),
  publicKey: Type.Optional(publicKey()),
  toleranceSec: toleranceSec(),
  baseUrl: baseUrl('https://api.telnyx.com'),
  timeoutMs: timeoutMs(),
});

/** A telnyx carrier's resolved slice. `apiKey` is a secret. */
export type TelnyxConfig = Static<typeof TelnyxKeys>;

/** The public key must decode to 32 bytes (Ed25519). */
export function checkTelnyx(c: { publicKey?: string | undefined }): KeyProblem {
  if (c.publicKey !== undefined && Buffer.from(c.publicKey, 'base64').length !== 32) {
    return { key: 'publicKey', why: 'must be base64 of a 32-byte Ed25519 key' };
  }
  return undefined;
}
