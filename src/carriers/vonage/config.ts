/**
 * The `vonage` carrier's key table: sending through the Vonage (Nexmo) SMS API, and the inbound messages
 * and delivery receipts it sends to `/inbound/<name>`, signed with the account's signature secret.
 * Sources: https://developer.vonage.com/en/api/sms,
 * https://developer.vonage.com/en/getting-started/concepts/signing-messages
 */
import { type Static, Type } from 'typebox';
import { baseUrl, carrierKeys, timeoutMs } from '../keys.js';

/** Vonage's signature methods (a dashboard setting). */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

/** The webhook keys (shared with the deprecated `inbound.carriers` entry). */
export const vonageWebhookKeys = {
  signatureSecret: Type.Optional(
    Type.String({
      minLength: 1,
      secret: true,
      description: 'Signature secret (dashboard → API settings); webhooks must carry a valid `sig`.',
    }),
  ),
  signatureMethod: Type.Enum(VONAGE_SIGNATURE_METHODS, {
    default: 'md5hash',
    description: 'How `sig` is computed (dashboard setting).',
  }),
  toleranceSec: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: 300,
    description: 'Signed calls whose `timestamp` is further than this from now are refused, in seconds.',
  }),
};

export const VonageKeys = carrierKeys('vonage', 'a vonage carrier', {
  apiKey: Type.String({ minLength: 1, description: 'API key.' }),
  apiSecret: Type.String({ minLength: 1, secret: true, description: 'API secret.' }),
  callbackUrl: Type.Optional(
    Type.String({
      pattern: '^https?://',
      hint: 'must start with http:// or https://',
      description: 'Where Vonage posts delivery receipts, when not set account-wide.',
    }),
  ),
  ...vonageWebhookKeys,
  acceptUnsignedWebhooks: Type.Boolean({
    default: false,
    description:
      'Accept `/inbound/<name>` calls without a signature when no `signatureSecret` is set (not recommended). Without either, the carrier has no webhook.',
  }),
  baseUrl: baseUrl('https://rest.nexmo.com'),
  timeoutMs: timeoutMs(),
});

/** A vonage carrier's resolved slice. `apiSecret` and `signatureSecret` are secrets. */
export type VonageConfig = Static<typeof VonageKeys>;
