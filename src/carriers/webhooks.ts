/**
 * The carriers' webhooks by name (`/inbound/<name>`): name → the parser that checks the carrier's
 * signature and reads its fields, and the answer its carrier expects. Built from the `carriers[]` entries (each declares its own webhook
 * settings), plus the deprecated `inbound.carriers` entries the configuration reader kept. A new kind
 * = one parser file + one case here.
 */

import type {
  CarrierWebhooks,
  WebhookAnswer,
  WebhookRequest,
  WebhookResult,
} from '../app/receive-webhook.js';
import { type CarrierConfig, carrierWebhook, type WebhookSpec } from './config-tables.js';
import { makeGenericWebhook } from './http/generic-webhook.js';
import { makeTelnyxWebhook } from './telnyx/webhook.js';
import { makeTwilioWebhook } from './twilio/webhook.js';
import { makeVonageWebhook } from './vonage/webhook.js';

/** One configured webhook. */
export interface Webhook {
  type: WebhookSpec['type'];
  parse(req: WebhookRequest): WebhookResult;
}

const JSON_EMPTY: WebhookAnswer = { contentType: 'application/json; charset=utf-8', body: '{}' };
/** Twilio wants TwiML back; an empty `<Response>` sends no reply SMS. */
const TWIML_EMPTY: WebhookAnswer = {
  contentType: 'text/xml; charset=utf-8',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
};

/**
 * Build every webhook: each carrier's own, then the deprecated entries (`legacy`), which replace a
 * carrier's own for their name (as they did before carriers had webhook settings).
 */
export function buildWebhooks(
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

/** The `CarrierWebhooks` port over `buildWebhooks`: parse a call by carrier name, with its answer. */
export function makeWebhooks(
  carriers: readonly CarrierConfig[],
  legacy: Readonly<Record<string, WebhookSpec>> = {},
): CarrierWebhooks {
  const hooks = buildWebhooks(carriers, legacy);
  return {
    parse(name, req) {
      const hook = hooks.get(name);
      if (!hook) return undefined;
      return { result: hook.parse(req), answer: hook.type === 'twilio' ? TWIML_EMPTY : JSON_EMPTY };
    },
  };
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
