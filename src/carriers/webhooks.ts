/**
 * Configured carrier webhooks by name (`inbound.carriers` in the config): name → the parser that
 * checks the carrier's signature and reads its fields, and the answer its carrier expects. A new kind =
 * one parser file + one case here.
 */
import type {
  CarrierWebhooks,
  WebhookAnswer,
  WebhookRequest,
  WebhookResult,
} from '../app/receive-webhook.js';
import type { InboundCarrierConfig } from '../config/two-way.js';
import { makeGenericWebhook } from './http/generic-webhook.js';
import { makeTelnyxWebhook } from './telnyx/webhook.js';
import { makeTwilioWebhook } from './twilio/webhook.js';
import { makeVonageWebhook } from './vonage/webhook.js';

/** One configured webhook. */
export interface Webhook {
  type: InboundCarrierConfig['type'];
  parse(req: WebhookRequest): WebhookResult;
}

const JSON_EMPTY: WebhookAnswer = { contentType: 'application/json; charset=utf-8', body: '{}' };
/** Twilio wants TwiML back; an empty `<Response>` sends no reply SMS. */
const TWIML_EMPTY: WebhookAnswer = {
  contentType: 'text/xml; charset=utf-8',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
};

/** Build every configured parser; the carrier name is the config key. */
export function makeWebhooks(carriers: Readonly<Record<string, InboundCarrierConfig>>): CarrierWebhooks {
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
  return {
    parse(name, req) {
      const hook = out.get(name);
      if (!hook) return undefined;
      return { result: hook.parse(req), answer: hook.type === 'twilio' ? TWIML_EMPTY : JSON_EMPTY };
    },
  };
}
