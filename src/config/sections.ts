/**
 * The schema of each section of the configuration file, with the default beside each key. One
 * declaration gives the check (`walk.ts`), the TypeScript type (`Static<…>`) and the JSON Schema
 * (`docs/config.schema.json`). Annotations the reader adds to JSON Schema are described in
 * `carriers/keys.ts`.
 */
import { type Static, Type } from 'typebox';
import { ExternalAuth } from './external-auth.js';

const section = <P extends Parameters<typeof Type.Object>[0]>(noun: string, description: string, keys: P) =>
  Type.Object(keys, { additionalProperties: false, noun, description, default: {} });

const ms = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description });

export const Server = section('server', 'The HTTP listener.', {
  host: Type.String({ default: '0.0.0.0', description: 'Listen address (env `HOST`, flag `--host`).' }),
  port: Type.Integer({
    minimum: 0,
    maximum: 65_535,
    default: 8080,
    description: 'Listen port; 0 = any free port (env `PORT`, flag `--port`).',
  }),
  adminPort: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 65_535,
      description:
        'Port of a second listener for the admin API (`/admin/v1`, docs/admin-api.md); 0 = any free port. Unset: the admin API is on `port`. Every admin call needs a bearer token either way.',
    }),
  ),
  adminHost: Type.String({
    default: '127.0.0.1',
    description: 'Listen address of the admin listener (`adminPort`); loopback by default.',
  }),
  maxUrlBytes: Type.Integer({
    minimum: 16 * 1024,
    maximum: 16 * 1024 * 1024,
    default: 128 * 1024,
    description:
      'Longest request line + headers accepted (GET templates carry the whole text in the URL); above it 431 with a `message` asking for POST.',
  }),
  publicUrl: Type.String({
    pattern: '^(https?://[^/\\s]+(/\\S*)?)?$',
    hint: 'must be a scheme and host, and optionally a path, like https://sms.example.com',
    default: '',
    description:
      "Public base URL the app calls (`https://sms.example.com`, or with a path behind a proxy); the URLs `textbridge provision` and `/provision` write into the Account XML. Empty: `provision` refuses to guess, `/provision` uses the request's own scheme and `Host`.",
  }),
  trustProxy: Type.Boolean({
    default: false,
    description:
      'Take the client address from `X-Forwarded-For` (behind a load balancer); the address is used for login throttling.',
  }),
  headersTimeoutMs: ms(
    100,
    600_000,
    20_000,
    'Longest a client may take to send the request line and headers; then 408 with a `message` and the connection is closed.',
  ),
  requestTimeoutMs: ms(
    100,
    3_600_000,
    30_000,
    'Longest a client may take to send a whole request (headers and body); then 408 with a `message`. At least `headersTimeoutMs`.',
  ),
  keepAliveTimeoutMs: ms(
    100,
    600_000,
    5_000,
    "How long an idle keep-alive connection stays open between requests. Behind a load balancer that reuses connections, set it above the balancer's idle timeout (e.g. 65000 for a 60 s one).",
  ),
  maxConnections: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    default: 10_000,
    description:
      "Most open client connections; a connection over it is closed at once, unread. Each takes a file descriptor: keep it below the process's open-files limit (`ulimit -n`) minus what the store and carriers use.",
  }),
});

export const Limits = section('limits', 'Sizes and rates the service enforces.', {
  maxBodyBytes: Type.Integer({
    minimum: 1,
    maximum: 10 * 1024 * 1024,
    default: 64 * 1024,
    description: 'Largest message text in UTF-8 bytes (413 above).',
  }),
  fetchPageSize: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Most items in each array of one Fetch Messages answer; the app asks again for the rest.',
  }),
  sendPerMinute: Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    default: 0,
    description:
      'Messages one account may send per minute, counted in the database so it holds across instances; above it 429 `Too many messages, try again in a minute`; 0 = no limit.',
  }),
});

const price = (description: string) =>
  Type.Number({ minimum: 0, hint: 'must be a non-negative number', description });

const PREFIX_KEY = '^\\+\\d{1,15}$';

/** MMS prices: a picture message off-net is charged once at these instead of per segment. */
const MmsRates = Type.Object(
  { default: Type.Optional(price('Price of one MMS to any number without a prefix entry here.')) },
  {
    patternProperties: { [PREFIX_KEY]: price('Price of one MMS to numbers starting with this prefix.') },
    additionalProperties: false,
    noun: 'rates.mms',
    keysHint: 'keys are "default" or a prefix like "+44"',
    description:
      'Prices of a picture message (a file transfer to an off-net number), once per message whatever its size or caption, whether it goes as MMS or as a text with links: the longest matching `"+<prefix>"` here, else `default` here, else the price of one SMS segment to that number.',
  },
);

export const Rates = Type.Object(
  {
    default: Type.Optional(price('Price of one segment to any number without a prefix entry (default 0).')),
    onNet: Type.Optional(price('Price of one segment to another account of this service (default 0).')),
    mms: Type.Optional(MmsRates),
  },
  {
    patternProperties: { [PREFIX_KEY]: price('Price of one segment to numbers starting with this prefix.') },
    additionalProperties: false,
    noun: 'rates',
    keysHint: 'keys are "default", "onNet", "mms" or a prefix like "+44"',
    description:
      'Prices per SMS segment, in the account\'s currency: `default`, `onNet`, and `"+<prefix>"` keys (longest prefix wins).',
  },
);

export const Recipients = section('recipients', 'Which recipients Send Message accepts.', {
  allowShortCodes: Type.Boolean({
    default: false,
    description: 'Accept digit-only short codes as off-net recipients.',
  }),
  shortCodeMinDigits: Type.Integer({
    minimum: 1,
    maximum: 15,
    default: 3,
    description: 'Fewest digits of a short code.',
  }),
  shortCodeMaxDigits: Type.Integer({
    minimum: 1,
    maximum: 15,
    default: 8,
    description: 'Most digits of a short code.',
  }),
});

export const Auth = section('auth', 'Password checks and the throttle on failures.', {
  cacheTtlMs: ms(
    0,
    86_400_000,
    5 * 60_000,
    'How long a successful password check is remembered (ms; 0 = never).',
  ),
  maxFailures: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    default: 10,
    description: 'Failures allowed per account within `failureWindowMs` before 429.',
  }),
  maxFailuresPerAddress: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    default: 100,
    description: 'Failures allowed per client address (higher: many phones share a carrier NAT).',
  }),
  failureWindowMs: ms(1000, 86_400_000, 5 * 60_000, 'The window failures are counted in (ms).'),
  external: Type.Optional(ExternalAuth),
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const Log = section('log', 'The process log (JSON lines on stdout).', {
  level: Type.Enum(LOG_LEVELS, { default: 'info', description: 'Lowest level written (env `LOG_LEVEL`).' }),
  showNumbers: Type.Boolean({
    default: false,
    description:
      'Write phone numbers whole in log lines. Off: all but their last 4 digits are masked (`+1555***1234`). A debugging aid, not for production (docs/operations.md).',
  }),
});

export const DEFAULT_PNM_URL = 'https://pnm.cloudsoftphone.com/pnm2/send';
export const Push = section('push', 'Push notifications to the apps through the Acrobits push service.', {
  enabled: Type.Boolean({
    default: true,
    description: 'Push new messages to devices that reported a push token.',
  }),
  url: Type.String({
    pattern: '^https?://',
    hint: 'must be an http(s) URL',
    default: DEFAULT_PNM_URL,
    description: "The push service's JSON endpoint (https://doc.acrobits.net/cloudsoftphone/http_push.html).",
  }),
  timeoutMs: Type.Integer({
    minimum: 1,
    default: 10_000,
    description: 'Time allowed for one push request (ms).',
  }),
  maxAttempts: Type.Integer({ minimum: 1, default: 5, description: 'Tries per push before it is dropped.' }),
  retryDelaysMs: Type.Array(Type.Integer({ minimum: 0 }), {
    minItems: 1,
    hint: 'must be a non-empty list of milliseconds',
    default: [5_000, 30_000, 120_000, 600_000],
    description: 'Waits before each retry (ms); the last one repeats.',
  }),
  includeText: Type.Boolean({
    default: true,
    description: "Put a 200-code-point preview of text messages in the push's `Message`.",
  }),
});

export const Delivery = section(
  'delivery',
  'Sending to carriers: the first attempt, retries and the worker.',
  {
    waitMs: ms(
      0,
      60_000,
      3_000,
      'How long Send Message waits for the first attempt before answering 200 anyway (ms).',
    ),
    maxAttempts: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 10,
      description: 'Attempts before a message fails.',
    }),
    maxAgeMs: ms(1000, 30 * 86_400_000, 24 * 3_600_000, 'Age after which a message is not tried again (ms).'),
    backoff: Type.Object(
      {
        baseMs: ms(1, 86_400_000, 5_000, 'Wait before the second attempt (ms); it doubles each time.'),
        maxMs: ms(1, 86_400_000, 15 * 60_000, 'Longest wait between attempts (ms).'),
      },
      {
        additionalProperties: false,
        noun: 'delivery.backoff',
        default: {},
        description: 'Waits between attempts.',
      },
    ),
    leaseMs: ms(
      1000,
      3_600_000,
      60_000,
      "A worker's lease on a job; must outlive a send with its timeouts (ms).",
    ),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 200,
      description:
        'Jobs a worker runs at once; also the sends a process keeps in hand while the window is full.',
    }),
    pollMs: ms(1, 60_000, 500, 'How often an idle worker looks for due jobs (ms).'),
    worker: Type.Boolean({
      default: true,
      description: 'Run the worker inside `textbridge serve` (false: run `textbridge worker` separately).',
    }),
  },
);

const names = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { default: [], description });

export const Route = Type.Object(
  {
    prefixes: Type.Array(Type.String({ pattern: '^\\+\\d{1,15}$', hint: 'must be a prefix like "+44"' }), {
      default: [],
      description: 'Recipient prefixes like `"+44"` (any recipient when empty).',
    }),
    accounts: names('Sending account usernames (any account when empty).'),
    carrier: Type.String({ minLength: 1, description: 'The `carriers[]` entry to send through.' }),
    failover: names('Carriers to try next, in order, when the first refuses or fails for good.'),
    from: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Sender number for this route, used when the account owns it.',
      }),
    ),
  },
  { additionalProperties: false, noun: 'a route' },
);

export type ServerConfig = Static<typeof Server>;
export type LimitsConfig = Static<typeof Limits>;
export type RecipientsConfig = Static<typeof Recipients>;
export type AuthConfig = Static<typeof Auth>;
export type PushConfig = Static<typeof Push>;
export type DeliverySettings = Static<typeof Delivery>;
export type RouteConfig = Static<typeof Route>;
