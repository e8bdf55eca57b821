/**
 * `auth.external`: the provider's own HTTP endpoint that says whether a username and password are
 * right (docs/accounts.md). A request template like an http carrier's (docs/http-carrier.md), with
 * `%username%` and `%password%` encoded for where they land, and the JSON paths of the account's
 * details in the answer.
 */
import { type Static, Type } from 'typebox';
import { ConfigError } from './check.js';

const path = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

export const ExternalAuth = Type.Object(
  {
    url: Type.String({
      pattern: '^https?://',
      hint: 'must start with https:// (or http:// with allowHttp)',
      secret: 'url',
      description: 'URL template (`%username%`, `%password%`, URL-encoded); https unless `allowHttp`.',
    }),
    method: Type.Enum(['GET', 'POST', 'PUT'], { default: 'POST', description: 'The request method.' }),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String({ secret: true }), {
        description: 'Header templates (e.g. `Authorization`); placeholder values are percent-encoded.',
      }),
    ),
    body: Type.Optional(
      Type.String({
        secret: true,
        description: 'Body template; values JSON-escaped in a JSON body, URL-encoded in a form body.',
      }),
    ),
    contentType: Type.Optional(
      Type.String({ minLength: 1, description: 'Content-Type to send; else guessed from the body.' }),
    ),
    allowHttp: Type.Boolean({
      default: false,
      description: 'Allow a plain http:// URL (the password crosses the network in clear: loopback only).',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 60_000,
      default: 5000,
      description: 'Time allowed for the whole answer (ms); past it the endpoint counts as down.',
    }),
    success: Type.Optional(
      Type.Object(
        {
          jsonField: Type.String({
            minLength: 1,
            description: 'Dot path into a 2xx JSON answer that must equal `equals` (or be true).',
          }),
          equals: Type.Optional(
            Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
              hint: 'must be a string, a number or true/false',
              description: 'The value `jsonField` must have for a yes.',
            }),
          ),
        },
        {
          additionalProperties: false,
          noun: 'success',
          description: 'When a 2xx answer alone is not a yes: the field that says so.',
        },
      ),
    ),
    refuseStatuses: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
      default: [400, 401, 403, 404],
      description:
        'Statuses meaning "wrong username or password"; any other non-2xx means the endpoint is down.',
    }),
    fields: Type.Object(
      {
        numbers: path('Dot path to the numbers (a list, or one string with `;` or `,` between).'),
        region: path('Dot path to the region (two letters, e.g. `US`).'),
        displayName: path('Dot path to the display name (read; stored once accounts carry one).'),
        credit: path('Dot path to the balance (a decimal); replaces the local one at each verified login.'),
      },
      {
        additionalProperties: false,
        default: {},
        noun: 'fields',
        description: "Where the account's details are in a yes answer (JSON); each is optional.",
      },
    ),
    region: Type.String({
      pattern: '^[A-Za-z]{2}$',
      hint: 'must be a two-letter region',
      default: 'US',
      description: 'Region of an account created here when the answer names none.',
    }),
    staleMs: Type.Integer({
      minimum: 0,
      maximum: 30 * 86_400_000,
      default: 86_400_000,
      description:
        'How long after its cache period a login the endpoint once confirmed still works while the endpoint is down (ms).',
    }),
  },
  {
    additionalProperties: false,
    noun: 'auth.external',
    description: "The provider's own endpoint that checks passwords (docs/accounts.md).",
  },
);

export type ExternalAuthConfig = Static<typeof ExternalAuth>;

/** Plain http only when asked for: the password travels in the request. */
export function checkExternalAuth(c: ExternalAuthConfig | undefined): void {
  if (c && !c.allowHttp && !c.url.startsWith('https://')) {
    throw new ConfigError(
      'auth.external.url must start with https:// (the password is in the request); set auth.external.allowHttp only for a loopback endpoint',
    );
  }
}
