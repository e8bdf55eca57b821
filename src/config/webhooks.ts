/**
 * Event webhooks to the provider's systems (docs/webhooks.md): the endpoints, each with its URL,
 * secret and events, and `webhookDelivery`, how events are retried and when an account's credit is low.
 * Bodies are signed as the Standard Webhooks specification defines (https://www.standardwebhooks.com/).
 */
import { type Static, Type } from 'typebox';
import { ConfigError } from './check.js';

/** The events an endpoint may subscribe to. */
export const WEBHOOK_EVENTS = [
  'message.received',
  'message.status',
  'message.failed',
  'account.low_credit',
] as const;

const Endpoint = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9_.-]{1,64}$',
      hint: 'must be 1 to 64 letters, digits, `_`, `.` or `-`',
      description: 'Unique name of the endpoint, in logs and in each event row.',
    }),
    url: Type.String({
      pattern: '^https?://[^/\\s]+(/\\S*)?$',
      hint: 'must be an http(s) URL, like https://crm.example.com/hooks/sms',
      secret: 'url',
      description: 'Where events are POSTed (JSON); redirects are not followed.',
    }),
    secret: Type.String({
      pattern: '^whsec_[A-Za-z0-9+/]{24,}={0,2}$',
      hint: 'must be `whsec_` followed by at least 18 bytes in base64 (e.g. `whsec_` + `openssl rand -base64 32`)',
      secret: true,
      description:
        'Signing secret as Standard Webhooks writes it: `whsec_` and the base64 key of the HMAC-SHA256 signature (`webhook-signature`).',
    }),
    events: Type.Array(Type.Enum([...WEBHOOK_EVENTS]), {
      minItems: 1,
      description:
        'Events posted to this endpoint: `message.received`, `message.status`, `message.failed`, `account.low_credit`.',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 10_000,
      description:
        'Time allowed for the answer’s headers, and again for its body (ms); then the attempt is retried.',
    }),
    includeText: Type.Boolean({
      default: false,
      description:
        'Put the message text in `message.received`, `message.status` and `message.failed` bodies (off: no text leaves).',
    }),
  },
  { additionalProperties: false, noun: 'a webhook endpoint' },
);

export const Webhooks = Type.Array(Endpoint, {
  default: [],
  description: 'Event webhooks to the provider’s systems (docs/webhooks.md), each with a unique `name`.',
});

export const WebhookDelivery = Type.Object(
  {
    lowCreditMicros: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 1_000_000,
      description:
        'An account whose credit goes from at least this to below it (micro-units; 1,000,000 = 1 unit of `balance.currency`) posts `account.low_credit`, once per crossing; a top-up back above it re-arms it.',
    }),
    maxAttempts: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 50,
      description:
        'Attempts per event and endpoint, the first included; then the event is given up (logged).',
    }),
    maxAgeMs: Type.Integer({
      minimum: 1000,
      maximum: 30 * 86_400_000,
      default: 3 * 86_400_000,
      description: 'Give an event up once it is this old (ms; default 3 days).',
    }),
    baseMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      default: 5_000,
      description: 'Wait before the second attempt (ms); it doubles each time, with full jitter.',
    }),
    maxMs: Type.Integer({
      minimum: 1,
      maximum: 86_400_000,
      default: 5 * 60_000,
      description: 'Longest wait between attempts (ms); a receiver back from an outage hears within this.',
    }),
  },
  {
    additionalProperties: false,
    noun: 'webhookDelivery',
    default: {},
    description: 'How event webhooks are retried, and the low-credit threshold.',
  },
);

export type WebhookEndpointConfig = Static<typeof Endpoint>;
export type WebhookDeliveryConfig = Static<typeof WebhookDelivery>;

/** Names are unique; the backoff's base is not above its cap. */
export function checkWebhooks(endpoints: readonly WebhookEndpointConfig[], d: WebhookDeliveryConfig): void {
  const seen = new Set<string>();
  endpoints.forEach((e, i) => {
    if (seen.has(e.name)) throw new ConfigError(`webhooks[${i}].name "${e.name}" is used twice`);
    seen.add(e.name);
    try {
      new URL(e.url);
    } catch {
      throw new ConfigError(`webhooks[${i}].url is not a valid URL`);
    }
  });
  if (d.baseMs > d.maxMs)
    throw new ConfigError('webhookDelivery.baseMs must not exceed webhookDelivery.maxMs');
}
