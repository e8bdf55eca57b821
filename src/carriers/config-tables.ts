/**
 * Each carrier type's key table, by type: what the configuration reader checks a `carriers[]` entry
 * against (`check` holds the rules a schema can't say). A new carrier type = its `config.ts` and one line
 * here, and one line in the registry (`index.ts`).
 */
import type { Static, TObject } from 'typebox';
import { checkHttp, HttpKeys, type HttpWebhookConfig } from './http/config.js';
import type { KeyProblem } from './keys.js';
import { LogKeys } from './log/config.js';
import { checkSmpp, SmppKeys } from './smpp/config.js';
import { checkTelnyx, TelnyxKeys } from './telnyx/config.js';
import { TwilioKeys } from './twilio/config.js';
import { VoipmsKeys } from './voipms/config.js';
import { VonageKeys, type VonageSignatureMethod } from './vonage/config.js';

export { httpWebhookKeys, legacyHttpWebhookKeys } from './http/config.js';
export type { KeyProblem } from './keys.js';
export { telnyxWebhookKeys } from './telnyx/config.js';
export { twilioWebhookKeys } from './twilio/config.js';
export { vonageWebhookKeys } from './vonage/config.js';

interface Table<S extends TObject> {
  schema: S;
  check?: (c: Static<S>) => KeyProblem;
}
const table = <S extends TObject>(schema: S, check?: (c: Static<S>) => KeyProblem): Table<S> =>
  check ? { schema, check } : { schema };

export const CARRIER_TABLES = {
  http: table(HttpKeys, checkHttp),
  smpp: table(SmppKeys, checkSmpp),
  twilio: table(TwilioKeys),
  telnyx: table(TelnyxKeys, checkTelnyx),
  vonage: table(VonageKeys),
  voipms: table(VoipmsKeys),
  log: table(LogKeys),
};

export type CarrierType = keyof typeof CARRIER_TABLES;

/** One configured carrier, typed by its `type`: defaults filled in, `env:` secrets read, frozen. */
export type CarrierConfig = {
  [T in CarrierType]: Static<(typeof CARRIER_TABLES)[T]['schema']>;
}[CarrierType];

/**
 * The webhook of one carrier (`/inbound/<name>`), in one shape whether it comes from the carrier's
 * `carriers[]` entry or from a deprecated `inbound.carriers` entry.
 */
export type WebhookSpec =
  | { type: 'twilio'; authToken: string }
  | { type: 'telnyx'; publicKey: string; toleranceSec: number }
  | { type: 'vonage'; signatureSecret?: string; signatureMethod: VonageSignatureMethod; toleranceSec: number }
  | ({ type: 'generic' } & HttpWebhookConfig);

/** The webhook a `carriers[]` entry declares, if any (see docs/configuration.md, "Webhooks"). */
export function carrierWebhook(c: CarrierConfig): WebhookSpec | undefined {
  switch (c.type) {
    case 'twilio':
      return { type: 'twilio', authToken: c.authToken };
    case 'telnyx':
      return c.publicKey === undefined
        ? undefined
        : { type: 'telnyx', publicKey: c.publicKey, toleranceSec: c.toleranceSec };
    case 'vonage': {
      const { signatureSecret, signatureMethod, toleranceSec } = c;
      if (signatureSecret === undefined && !c.acceptUnsignedWebhooks) return undefined;
      return {
        type: 'vonage',
        signatureMethod,
        toleranceSec,
        ...(signatureSecret === undefined ? {} : { signatureSecret }),
      };
    }
    case 'http':
      return c.webhook === undefined ? undefined : { type: 'generic', ...c.webhook };
    default:
      return undefined;
  }
}

/** The carrier type a webhook type belongs to (`generic` webhooks are the `http` carrier's). */
export const webhookCarrierType = (t: WebhookSpec['type']): CarrierType => (t === 'generic' ? 'http' : t);
