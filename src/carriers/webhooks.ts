/**
 * The carriers' webhooks by name (`/inbound/<name>`): name → the parser that checks the carrier's
 * signature and reads its fields. Built from the `carriers[]` entries (each declares its own webhook
 * settings), plus the deprecated `inbound.carriers` entries the configuration reader kept. A new kind
 * = one parser file + one case here.
 */
import { type CarrierConfig, carrierWebhook, type WebhookSpec } from './config-tables.js';
import { makeGenericWebhook } from './http/generic-webhook.js';
import type { WebhookRequest, WebhookResult } from './http/webhook.js';
import { makeTelnyxWebhook } from './telnyx/webhook.js';
import { makeTwilioWebhook } from './twilio/webhook.js';
import { makeVonageWebhook } from './vonage/webhook.js';

/** One configured webhook. */
export interface Webhook {
  type: WebhookSpec['type'];
  parse(req: WebhookRequest): WebhookResult;
}

/**
 * Build every webhook: each carrier's own, then the deprecated entries (`legacy`), which replace a
 * carrier's own for their name (as they did before carriers had webhook settings).
 */
export function makeWebhooks(
  carriers: readonly CarrierConfig[],
  legacy: Readonly<Record<string, WebhookSpec>> = {},
): Map<string, Webhook> {
  const out = new Map<string, Webhook>();
  for (const c of carriers) {
    const spec = carrierWebhook(c);
    if (spec) out.set(c.name, makeWebhook(c.name, spec));
  }
  for (const [name, spec] of Object.entries(legacy)) out.set(name, makeWebhook(name, spec));
  return out;
}

function makeWebhook(carrier: string, c: WebhookSpec): Webhook {
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
  return { type: c.type, parse };
}
