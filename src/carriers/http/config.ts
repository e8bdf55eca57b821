/**
 * The `http` carrier's key table: a carrier described by configuration alone (a request template and
 * answer rules, `generic.ts`), and its optional `webhook` (who may call `/inbound/<name>` and where the
 * fields of an inbound message or a receipt are, `generic-webhook.ts`).
 */
import { type Static, Type } from 'typebox';
import { carrierKeys, type KeyProblem, timeoutMs } from '../keys.js';

const REFUSALS = ['invalid_recipient', 'blocked', 'no_route', 'rejected'] as const;
const field = (description: string) => Type.String({ minLength: 1, description });
const statuses = (description: string) =>
  Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { description });

const header = Type.String({ minLength: 1, description: 'The header that carries the proof.' });
const secret = Type.String({ minLength: 1, secret: true, description: 'The shared secret.' });

/**
 * The webhook keys. `timestampByDefault`: whether `hmac-sha256` requires a signed timestamp when
 * `timestamp` is not given: yes in a `carriers[]` entry (a configuration written for this release),
 * no in a deprecated `inbound.carriers` entry of type `generic` (a file written for the release before,
 * whose sender signed the body alone: it keeps working, with a warning).
 */
function webhookKeys(timestampByDefault: boolean) {
  return {
    auth: Type.Union(
      [
        Type.Object(
          {
            kind: Type.Literal('header', { description: 'The header carries the secret itself.' }),
            header,
            secret,
          },
          { additionalProperties: false, noun: 'webhook auth' },
        ),
        Type.Object(
          {
            kind: Type.Literal('hmac-sha256', {
              description: 'The header carries an HMAC-SHA256 of the raw body keyed by the secret.',
            }),
            header,
            secret,
            encoding: Type.Enum(['hex', 'base64'], {
              default: 'hex',
              description: 'How the HMAC is written.',
            }),
            prefix: Type.String({ default: '', description: 'Text before the HMAC, e.g. `sha256=`.' }),
            timestamp: Type.Boolean({
              default: timestampByDefault,
              description:
                'Require a signed timestamp: `timestampHeader` carries the Unix time in seconds, the HMAC covers `<timestamp>.<raw body>`, and a call outside `toleranceSec` of now is refused, so a captured call cannot be replayed later. Set `false` only for a sender that cannot send one (the HMAC then covers the raw body alone). Either way the fields are read from the signed body only, never from the URL query.',
            }),
            timestampHeader: Type.String({
              minLength: 1,
              default: 'webhook-timestamp',
              description: 'The header of the signed timestamp (as in https://www.standardwebhooks.com/).',
            }),
            toleranceSec: Type.Integer({
              minimum: 1,
              default: 300,
              description: 'How far (seconds) the signed timestamp may be from now, either way.',
            }),
          },
          { additionalProperties: false, noun: 'webhook auth' },
        ),
        Type.Object(
          {
            kind: Type.Literal('standard-webhooks', {
              description:
                'The Standard Webhooks scheme (https://www.standardwebhooks.com/): `webhook-signature` carries `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, the timestamp within `toleranceSec` of now.',
            }),
            secret: Type.String({
              minLength: 1,
              secret: true,
              description: 'The signing secret as the sender gives it (`whsec_` followed by base64).',
            }),
            toleranceSec: Type.Integer({
              minimum: 1,
              default: 300,
              description: 'How far (seconds) `webhook-timestamp` may be from now, either way.',
            }),
          },
          { additionalProperties: false, noun: 'webhook auth' },
        ),
      ],
      { description: 'How a call proves it comes from this carrier.' },
    ),
    inbound: Type.Optional(
      Type.Object(
        {
          from: field('Field (or JSON dot path) of the sender.'),
          to: field('Field of the recipient.'),
          body: field('Field of the text.'),
          id: field("Field of the carrier's message id."),
          media: Type.Optional(
            field(
              'JSON dot path of the media of a picture message: a list of URLs, or of objects with `url` and `content_type` (or `contentType`). Fetched without credentials, so the URLs must be pre-signed or public.',
            ),
          ),
        },
        {
          additionalProperties: false,
          noun: 'webhook inbound',
          description: "Where an inbound message's fields are.",
        },
      ),
    ),
    receipt: Type.Optional(
      Type.Object(
        {
          ref: field("Field of the carrier's id of the message sent (as the send answer gave it)."),
          status: field('Field of the status.'),
          delivered: Type.Array(Type.String(), { description: 'Status values meaning delivered.' }),
          failed: Type.Array(Type.String(), { description: 'Status values meaning failed.' }),
          error: Type.Optional(field('Field of the error text.')),
        },
        {
          additionalProperties: false,
          noun: 'webhook receipt',
          description: "Where a delivery receipt's fields are.",
        },
      ),
    ),
  };
}

/** The webhook keys of an http carrier. */
export const httpWebhookKeys = webhookKeys(true);

/** The same for a deprecated `inbound.carriers` entry of type `generic`. */
export const legacyHttpWebhookKeys = webhookKeys(false);

/** The `webhook` key of an http carrier; when absent, `/inbound/<name>` answers 404. */
export const HttpWebhookKeys = Type.Object(httpWebhookKeys, {
  additionalProperties: false,
  noun: 'webhook',
  description: "This carrier's webhooks at `/inbound/<name>`: the check, and the field mapping.",
});
export type HttpWebhookConfig = Static<typeof HttpWebhookKeys>;

export const HttpKeys = carrierKeys('http', 'an http carrier', {
  method: Type.Enum(['GET', 'POST', 'PUT'], {
    description: 'The request method.',
  }),
  url: Type.String({
    pattern: '^https?://',
    hint: 'must start with http:// or https://',
    secret: 'url',
    description:
      'URL template (`%to%`, `%from%`, `%body%`, `%sms_id%`, `%to_digits%`, `%from_digits%`, `%media_urls%`); values are URL-encoded. A template (URL, body or header) with `%media_urls%` makes the carrier send picture messages as MMS.',
  }),
  headers: Type.Optional(
    Type.Record(Type.String(), Type.String({ secret: true }), {
      description:
        "Header templates (e.g. `Authorization`): the fixed text goes in as written (visible ASCII only), each placeholder's value is encoded as `headerEncoding` says.",
    }),
  ),
  headerEncoding: Type.Enum(['percent', 'rfc8187'], {
    default: 'percent',
    description:
      "How placeholder values are written in `headers`: `percent`, each value always percent-encoded (UTF-8, RFC 3986: `+1555…` becomes `%2B1555…`); `rfc8187`, values as they are, and a header value holding anything but visible ASCII sent whole as `UTF-8''<percent-encoded>` (RFC 8187).",
  }),
  body: Type.Optional(
    Type.String({
      secret: true,
      description: 'Body template; JSON-escaped in a JSON body, URL-encoded in a form body.',
    }),
  ),
  contentType: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Content-Type to send; else guessed from the body (`{`/`[` → JSON, else form).',
    }),
  ),
  success: Type.Optional(
    Type.Object(
      {
        status: Type.Optional(statuses('Accepted statuses (default: any 2xx).')),
        jsonField: Type.Optional(
          field('Dot path into the JSON answer that must exist (and equal `equals` when given).'),
        ),
        equals: Type.Optional(
          Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
            hint: 'must be a string, a number or true/false',
            description: 'The value `jsonField` must have.',
          }),
        ),
        pattern: Type.Optional(Type.String({ description: 'Regex the raw answer must match.' })),
      },
      {
        additionalProperties: false,
        noun: 'success',
        description: 'What success looks like; all given rules must hold.',
      },
    ),
  ),
  messageId: Type.Optional(
    field(
      "Dot path to the carrier's message id in the JSON answer (else the `Location` header, else empty).",
    ),
  ),
  transient: Type.Optional(
    Type.Object(
      {
        statuses: Type.Optional(statuses('Statuses meaning "try again" (default: 408, 425, 429, 5xx).')),
        pattern: Type.Optional(Type.String({ description: 'Regex on the answer meaning "try again".' })),
      },
      { additionalProperties: false, noun: 'transient', description: 'What a transient failure looks like.' },
    ),
  ),
  permanent: Type.Optional(
    Type.Record(Type.String(), Type.Enum(REFUSALS), {
      description:
        'Refusal kinds: keys made of three digits are statuses (`"404": "no_route"`), other keys are regexes tried on the answer. Patterns win over statuses.',
    }),
  ),
  timeoutMs: timeoutMs(),
  split: Type.Optional(
    Type.Literal(false, { description: 'This carrier never splits: it receives the whole text.' }),
  ),
  connections: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 64,
    description: "Connections per origin in this carrier's pool.",
  }),
  webhook: Type.Optional(HttpWebhookKeys),
});

/** An http carrier's resolved slice. Secrets sit in `url`/`headers`/`body`/`webhook`; never log it. */
export type HttpCarrierConfig = Static<typeof HttpKeys>;

/** A header name is a token (RFC 9110 §5.1, §5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What the fixed text of a header template may hold: visible ASCII, space, tab (RFC 9110 §5.5). */
const PLAIN_HEADER = /^[\t\x20-\x7e]*$/;

/** Every regex must compile; every header template must make a valid header. */
export function checkHttp(c: HttpCarrierConfig): KeyProblem {
  for (const [name, value] of Object.entries(c.headers ?? {})) {
    const key = `headers[${JSON.stringify(name)}]`;
    if (!TOKEN.test(name)) return { key, why: 'is not a valid header name (RFC 9110 §5.1)' };
    if (!PLAIN_HEADER.test(value)) {
      return {
        key,
        why: "may hold only visible ASCII, spaces and tabs (a message's text goes in through a placeholder)",
      };
    }
  }
  const regexes: Array<[string, string | undefined]> = [
    ['success.pattern', c.success?.pattern],
    ['transient.pattern', c.transient?.pattern],
    ...Object.keys(c.permanent ?? {})
      .filter((k) => !/^\d{3}$/.test(k))
      .map((k): [string, string] => [`permanent[${JSON.stringify(k)}]`, k]),
  ];
  for (const [key, re] of regexes) {
    if (re === undefined) continue;
    try {
      new RegExp(re, 'i');
    } catch {
      return { key, why: 'is not a valid regular expression' };
    }
  }
  return undefined;
}
