/**
 * The `inbound` section: the public URL carriers call, and the deprecated `inbound.carriers` map. A
 * carrier's webhook settings now live in its own `carriers[]` entry (one name for `/inbound/<name>`, the
 * route's carrier and the carrier stored with every receipt); the old map is still read for one
 * release, with a warning per entry (docs/configuration.md, "Webhooks").
 */
import { type Static, Type } from 'typebox';
import {
  type CarrierConfig,
  carrierWebhook,
  legacyHttpWebhookKeys,
  telnyxWebhookKeys,
  twilioWebhookKeys,
  vonageWebhookKeys,
  type WebhookSpec,
  webhookCarrierType,
} from '../carriers/config-tables.js';

const legacy = <T extends string, P extends Parameters<typeof Type.Object>[0]>(type: T, keys: P) =>
  Type.Object(
    {
      type: Type.Literal(type, {
        description: "The webhook kind: `twilio`, `telnyx`, `vonage`, or `generic` (the `http` carrier's).",
      }),
      ...keys,
    },
    { additionalProperties: false, noun: `an inbound.carriers entry of type ${type}` },
  );

export const Inbound = Type.Object(
  {
    publicUrl: Type.String({
      pattern: '^(https?://[^/]+/?)?$',
      hint: 'must be a scheme and host, like https://sms.example.com',
      default: '',
      description:
        'Public base URL the carriers call (`https://sms.example.com`); Twilio signs the full URL, so it must be the one configured there.',
    }),
    carriers: Type.Record(
      Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
      Type.Union(
        [
          legacy('twilio', twilioWebhookKeys),
          legacy('telnyx', telnyxWebhookKeys),
          legacy('vonage', vonageWebhookKeys),
          legacy('generic', legacyHttpWebhookKeys),
        ],
        {
          description:
            'One deprecated webhook entry, named like the carrier; its `type` says which keys it has.',
        },
      ),
      {
        additionalProperties: false,
        noun: 'inbound.carriers',
        keysHint: 'names are letters, digits, - and _',
        default: {},
        deprecated: true,
        description:
          "Deprecated: webhook settings by carrier name. Move each entry's keys into the `carriers[]` entry of that name.",
      },
    ),
  },
  {
    additionalProperties: false,
    noun: 'inbound',
    default: {},
    description: 'Carrier webhooks at `/inbound/<name>`.',
  },
);

/** `inbound` as read: `publicUrl` without a trailing slash; the deprecated entries as they were. */
export interface InboundConfig {
  publicUrl: string;
  /** Deprecated `inbound.carriers` entries still in use (see `legacyWebhooks`). */
  carriers: Readonly<Record<string, WebhookSpec>>;
}

export type InboundInput = Static<typeof Inbound>;

/**
 * The deprecated entries, and a warning for each. So that a file written for the previous release
 * behaves the same, every entry still serves `/inbound/<name>` as before: it overrides the webhook
 * settings of the `carriers[]` entry of that name, if any, whatever that carrier's type; an entry that
 * names no carrier keeps working as a receive-only webhook.
 */
export function legacyWebhooks(
  entries: Readonly<Record<string, WebhookSpec>>,
  carriers: readonly CarrierConfig[],
): { used: Record<string, WebhookSpec>; warnings: string[] } {
  const warnings: string[] = [];
  for (const [name, spec] of Object.entries(entries)) {
    const where = `inbound.carriers.${name} is deprecated`;
    const type = webhookCarrierType(spec.type);
    const c = carriers.find((x) => x.name === name);
    if (c === undefined) {
      warnings.push(
        `${where}: move its keys into a carriers[] entry named "${name}" of type ${type} (until then it works as a receive-only webhook)`,
      );
    } else if (c.type !== type) {
      warnings.push(
        `${where}: its ${spec.type} webhook serves carriers[] entry "${name}", which is of type ${c.type}; a carrier's webhook is now of its own type, so make "${name}" a ${type} carrier with these keys`,
      );
    } else if (carrierWebhook(c) === undefined) {
      warnings.push(`${where}: move its keys into carriers[] entry "${name}"`);
    } else {
      warnings.push(
        `${where}: carriers[] entry "${name}" has webhook settings of its own, which this entry overrides until it is removed`,
      );
    }
    if (spec.type === 'generic' && spec.auth.kind === 'hmac-sha256' && !spec.auth.timestamp) {
      warnings.push(
        `inbound.carriers.${name}.auth signs the body alone, so a captured call can be replayed: have the sender sign a timestamp (webhook-timestamp); moved into carriers[], its webhook requires one unless "timestamp": false`,
      );
    }
  }
  return { used: { ...entries }, warnings };
}
