/**
 * Configured carrier webhooks by name (`inbound.carriers` in the config): name → the parser that
 * checks the carrier's signature and reads its fields. A new kind = one parser file + one case here.
 */
import type { InboundCarrierConfig } from '../config/two-way.js';
import { makeGenericWebhook } from './http/generic-webhook.js';
import type { WebhookRequest, WebhookResult } from './http/webhook.js';
import { makeTelnyxWebhook } from './telnyx/webhook.js';
import { makeTwilioWebhook } from './twilio/webhook.js';
import { makeVonageWebhook } from './vonage/webhook.js';

/** One configured webhook. */
export interface Webhook {
  type: InboundCarrierConfig['type'];
  parse(req: WebhookRequest): WebhookResult;
}

/** Build every configured parser; the carrier name is the config key. */
export function makeWebhooks(carriers: Readonly<Record<string, InboundCarrierConfig>>): Map<string, Webhook> {
  const out = new Map<string, Webhook>();
  for (const [carrier, c] of Object.entries(carriers)) {
    const parse =
      c.type === 'twilio'
        ? makeTwilioWebhook({ carrier, authToken: c.authToken })
        : c.type === 'telnyx'
          ? makeTelnyxWebhook({ carrier, publicKey: c.publicKey, toleranceSec: c.toleranceSec })
          : c.type === 'vonage'
            ? makeVonageWebhook({
                carrier,
                signatureMethod: c.signatureMethod,
                toleranceSec: c.toleranceSec,
                ...(c.signatureSecret === undefined ? {} : { signatureSecret: c.signatureSecret }),
              })
            : makeGenericWebhook({ ...c, carrier });
    out.set(carrier, { type: c.type, parse });
  }
  return out;
}
