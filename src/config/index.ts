/**
 * Configuration: the only reader of `process.env` (STYLE.md habit 4).
 *
 * Sources, later wins: built-in defaults → JSON file (`--config` / `TEXTBRIDGE_CONFIG`) → environment
 * variables for the basics (`PORT`, `HOST`, `TEXTBRIDGE_DATA_DIR`, `DATABASE_URL`, `LOG_LEVEL`) →
 * command-line flags. The result is validated once and deep-frozen; a bad key fails boot with its name.
 * Every key is documented in docs/configuration.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { arr, bool, ConfigError, deepFreeze, int, isObject, type Json, obj, oneOf, str } from './check.js';
import { type InboundConfig, type PushConfig, resolveInboundConfig, resolvePushConfig } from './two-way.js';

export { ConfigError } from './check.js';

export type ErrorFormat = 'json' | 'xml' | 'auto';

export interface Config {
  server: {
    host: string;
    port: number;
    /** Longest request line + headers accepted (GET templates carry the whole text in the URL). */
    maxUrlBytes: number;
    /** Trust X-Forwarded-For for the client address (behind a load balancer). */
    trustProxy: boolean;
  };
  /** Folder of the embedded store (`textbridge.db`). */
  dataDir: string;
  /** `postgres://…` switches the store to PostgreSQL; empty = embedded SQLite in `dataDir`. */
  databaseUrl: string;
  /** Connections each process keeps open to PostgreSQL (ignored on the embedded store). */
  databasePoolSize: number;
  /** `auto`: XML when the request's Accept prefers XML, else JSON. */
  errorFormat: ErrorFormat;
  limits: {
    /** Largest message text in UTF-8 bytes (413 above). */
    maxBodyBytes: number;
    /** Most items in each array of one Fetch Messages answer; the app asks again for the rest. */
    fetchPageSize: number;
    /** Messages one account may send per minute, across all instances; 0 = no limit. */
    sendPerMinute: number;
  };
  /** Prices per SMS segment, in the account's currency: `default`, `+<prefix>`, and `onNet`. */
  rates: { default: number; onNet: number; prefixes: ReadonlyArray<readonly [string, number]> };
  recipients: {
    /** Accept digit-only short codes (e.g. 5-6 digits) as off-net recipients. */
    allowShortCodes: boolean;
    shortCodeMinDigits: number;
    shortCodeMaxDigits: number;
  };
  auth: {
    /** How long a successful password check is remembered (the app sends the password every time). */
    cacheTtlMs: number;
    /** Failures allowed per account within `failureWindowMs` before 429. */
    maxFailures: number;
    /** Failures allowed per client address (higher: many phones share a carrier NAT). */
    maxFailuresPerAddress: number;
    failureWindowMs: number;
  };
  log: { level: string };
  /** Sections owned by later modules (carriers, routes, delivery); validated where they are used. */
  carriers: readonly unknown[];
  routes: readonly unknown[];
  delivery: Readonly<Record<string, unknown>>;
  /** Push to the apps (config/two-way.ts). */
  push: PushConfig;
  /** Carrier webhooks for inbound messages and receipts (config/two-way.ts). */
  inbound: InboundConfig;
}

/** Options a command line can set on top of file and environment. */
export interface ConfigOverrides {
  configFile?: string | undefined;
  dataDir?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
  databaseUrl?: string | undefined;
}

const DEFAULTS = {
  server: { host: '0.0.0.0', port: 8080, maxUrlBytes: 128 * 1024, trustProxy: false },
  dataDir: './data',
  databaseUrl: '',
  databasePoolSize: 20,
  errorFormat: 'auto' as ErrorFormat,
  limits: { maxBodyBytes: 64 * 1024, fetchPageSize: 100, sendPerMinute: 0 },
  recipients: { allowShortCodes: false, shortCodeMinDigits: 3, shortCodeMaxDigits: 8 },
  auth: { cacheTtlMs: 5 * 60_000, maxFailures: 10, maxFailuresPerAddress: 100, failureWindowMs: 5 * 60_000 },
  log: { level: 'info' },
};

/** Load, merge, validate and freeze. Throws ConfigError naming the bad key. */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Config> {
  const file = overrides.configFile ?? env['TEXTBRIDGE_CONFIG'];
  const raw: Json = file ? readJsonFile(file) : {};
  return buildConfig(raw, overrides, env);
}

/** Build from an already-parsed JSON object (tests use this directly). */
export function buildConfig(
  raw: Json,
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = {},
): Readonly<Config> {
  const server = obj(raw, 'server');
  const limits = obj(raw, 'limits');
  const recipients = obj(raw, 'recipients');
  const auth = obj(raw, 'auth');
  const log = obj(raw, 'log');
  const cfg: Config = {
    server: {
      host: overrides.host ?? env['HOST'] ?? str(server, 'server.host', DEFAULTS.server.host),
      port:
        overrides.port ?? envInt(env, 'PORT') ?? int(server, 'server.port', DEFAULTS.server.port, 0, 65535),
      maxUrlBytes: int(
        server,
        'server.maxUrlBytes',
        DEFAULTS.server.maxUrlBytes,
        16 * 1024,
        16 * 1024 * 1024,
      ),
      trustProxy: bool(server, 'server.trustProxy', DEFAULTS.server.trustProxy),
    },
    dataDir: path.resolve(
      overrides.dataDir ?? env['TEXTBRIDGE_DATA_DIR'] ?? str(raw, 'dataDir', DEFAULTS.dataDir),
    ),
    databaseUrl:
      overrides.databaseUrl ?? env['DATABASE_URL'] ?? str(raw, 'databaseUrl', DEFAULTS.databaseUrl),
    databasePoolSize: int(raw, 'databasePoolSize', DEFAULTS.databasePoolSize, 1, 1000),
    errorFormat: oneOf(raw, 'errorFormat', ['json', 'xml', 'auto'] as const, DEFAULTS.errorFormat),
    limits: {
      maxBodyBytes: int(limits, 'limits.maxBodyBytes', DEFAULTS.limits.maxBodyBytes, 1, 10 * 1024 * 1024),
      fetchPageSize: int(limits, 'limits.fetchPageSize', DEFAULTS.limits.fetchPageSize, 1, 1000),
      sendPerMinute: int(limits, 'limits.sendPerMinute', DEFAULTS.limits.sendPerMinute, 0, 1_000_000),
    },
    rates: parseRates(raw['rates']),
    recipients: {
      allowShortCodes: bool(recipients, 'recipients.allowShortCodes', DEFAULTS.recipients.allowShortCodes),
      shortCodeMinDigits: int(
        recipients,
        'recipients.shortCodeMinDigits',
        DEFAULTS.recipients.shortCodeMinDigits,
        1,
        15,
      ),
      shortCodeMaxDigits: int(
        recipients,
        'recipients.shortCodeMaxDigits',
        DEFAULTS.recipients.shortCodeMaxDigits,
        1,
        15,
      ),
    },
    auth: {
      cacheTtlMs: int(auth, 'auth.cacheTtlMs', DEFAULTS.auth.cacheTtlMs, 0, 86_400_000),
      maxFailures: int(auth, 'auth.maxFailures', DEFAULTS.auth.maxFailures, 1, 1_000_000),
      maxFailuresPerAddress: int(
        auth,
        'auth.maxFailuresPerAddress',
        DEFAULTS.auth.maxFailuresPerAddress,
        1,
        1_000_000,
      ),
      failureWindowMs: int(auth, 'auth.failureWindowMs', DEFAULTS.auth.failureWindowMs, 1000, 86_400_000),
    },
    log: { level: env['LOG_LEVEL'] ?? str(log, 'log.level', DEFAULTS.log.level) },
    carriers: arr(raw, 'carriers'),
    routes: arr(raw, 'routes'),
    delivery: obj(raw, 'delivery'),
    push: resolvePushConfig(obj(raw, 'push')),
    inbound: resolveInboundConfig(obj(raw, 'inbound'), env),
  };
  if (cfg.recipients.shortCodeMinDigits > cfg.recipients.shortCodeMaxDigits) {
    throw new ConfigError('recipients.shortCodeMinDigits must not exceed recipients.shortCodeMaxDigits');
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(cfg.log.level)) {
    throw new ConfigError(`log.level: unknown level "${cfg.log.level}"`);
  }
  if (cfg.databaseUrl && !/^postgres(ql)?:\/\//.test(cfg.databaseUrl)) {
    throw new ConfigError('databaseUrl (DATABASE_URL) must start with postgres:// or be empty');
  }
  return deepFreeze(cfg);
}

/** `{"default": 0.01, "+44": 0.04, "onNet": 0}` → sorted prefixes, longest first. */
function parseRates(value: unknown): Config['rates'] {
  if (value === undefined) return { default: 0, onNet: 0, prefixes: [] };
  if (!isObject(value)) throw new ConfigError('rates must be an object like {"default": 0.01, "+44": 0.04}');
  const prefixes: Array<readonly [string, number]> = [];
  let def = 0;
  let onNet = 0;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ConfigError(`rates.${key} must be a non-negative number`);
    }
    if (key === 'default') def = v;
    else if (key === 'onNet') onNet = v;
    else if (/^\+\d{1,15}$/.test(key)) prefixes.push([key, v]);
    else throw new ConfigError(`rates.${key}: keys are "default", "onNet" or a prefix like "+44"`);
  }
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return { default: def, onNet, prefixes };
}

function readJsonFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) throw new Error('top level must be an object');
    return parsed;
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a port number`);
  return n;
}
