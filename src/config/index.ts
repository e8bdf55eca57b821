/**
 * Configuration: the only reader of `process.env`.
 *
 * Sources, later wins: built-in defaults → JSON file (`--config` / `TEXTBRIDGE_CONFIG`) → environment
 * variables for the basics (`PORT`, `HOST`, `TEXTBRIDGE_DATA_DIR`, `DATABASE_URL`, `LOG_LEVEL`) →
 * command-line flags. The file is checked whole against one schema (`schema.ts`: every section, each
 * carrier type's key table) with every unknown key refused; then the rules across keys; the result is
 * deep-frozen. A mistake throws `ConfigError` naming the key's full path. Every key is documented in
 * docs/configuration.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Static } from 'typebox';
import { CARRIER_TABLES, type CarrierConfig, type KeyProblem } from '../carriers/config-tables.js';
import type { RateTable } from '../domain/rates.js';
import type { Route } from '../domain/routing.js';
import type { BalanceConfig, ContactsConfig, RateCheckConfig } from './app-services.js';
import { ConfigError, deepFreeze, isObject, type Json } from './check.js';
import { checkExternalAuth } from './external-auth.js';
import { type InboundConfig, legacyWebhooks } from './inbound.js';
import type { MediaConfig } from './media.js';
import type { MetricsConfig } from './metrics.js';
import { ConfigFile } from './schema.js';
import {
  type AuthConfig,
  type DeliverySettings,
  type LimitsConfig,
  LOG_LEVELS,
  type PushConfig,
  type RecipientsConfig,
  type ServerConfig,
} from './sections.js';
import type { TimelineConfig } from './timeline.js';
import { walk } from './walk.js';
import { checkWebhooks, type WebhookDeliveryConfig, type WebhookEndpointConfig } from './webhooks.js';

export type { CarrierConfig, CarrierType } from '../carriers/config-tables.js';
export type { BalanceConfig, ContactsConfig, RateCheckConfig } from './app-services.js';
export { ConfigError } from './check.js';
export type { InboundConfig } from './inbound.js';
export type { MediaConfig } from './media.js';
export type { MetricsConfig } from './metrics.js';
export type { DeliverySettings, PushConfig } from './sections.js';
export type { TimelineConfig } from './timeline.js';
export type { WebhookDeliveryConfig, WebhookEndpointConfig } from './webhooks.js';

export type ErrorFormat = 'json' | 'xml' | 'auto';

/** The configuration as the service uses it: checked, defaulted, frozen. */
export interface Config {
  server: ServerConfig;
  /** Folder of the embedded store (`textbridge.db`), absolute. */
  dataDir: string;
  /** `postgres://…` switches the store to PostgreSQL; empty = embedded SQLite in `dataDir`. */
  databaseUrl: string;
  databasePoolSize: number;
  errorFormat: ErrorFormat;
  limits: LimitsConfig;
  /** Prices per SMS segment: `default`, `onNet`, and prefixes sorted longest first. */
  rates: RateTable;
  recipients: RecipientsConfig;
  auth: AuthConfig;
  log: { level: string; showNumbers: boolean };
  /** `GET /metrics` on the main port: served only with a bearer token. */
  metrics: MetricsConfig;
  /** Every carrier, typed by its `type`, secrets read from the environment. */
  carriers: readonly CarrierConfig[];
  routes: readonly Route[];
  delivery: DeliverySettings;
  push: PushConfig;
  inbound: InboundConfig;
  /** Balance Checker, Rate Checker and Web Service Contacts. */
  balance: BalanceConfig;
  rateCheck: RateCheckConfig;
  contacts: ContactsConfig;
  /** The media store, its URLs, the upload service, quotas and retention. */
  media: MediaConfig;
  /** How long message timelines are kept. */
  timeline: TimelineConfig;
  /** Event webhooks to the provider's systems (docs/webhooks.md). */
  webhooks: readonly WebhookEndpointConfig[];
  webhookDelivery: WebhookDeliveryConfig;
  /** Things to fix that do not stop the service (deprecated keys); the composition root logs them. */
  warnings: readonly string[];
}

/** Options a command line can set on top of file and environment. */
export interface ConfigOverrides {
  configFile?: string | undefined;
  dataDir?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
  databaseUrl?: string | undefined;
}

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
  const f = walk(ConfigFile, raw, { path: '', env }) as Static<typeof ConfigFile>;
  checkCarriers(f.carriers);
  checkExternalAuth(f.auth.external);
  checkWebhooks(f.webhooks, f.webhookDelivery);
  const names = new Set(f.carriers.map((c) => c.name));
  for (const [i, r] of f.routes.entries()) checkRoute(r, `routes[${i}]`, names);
  const legacy = legacyWebhooks(f.inbound.carriers, f.carriers);
  const cfg: Config = {
    server: {
      ...f.server,
      host: overrides.host ?? env['HOST'] ?? f.server.host,
      port: overrides.port ?? envInt(env, 'PORT') ?? f.server.port,
      publicUrl: f.server.publicUrl.replace(/\/$/, ''),
    },
    dataDir: path.resolve(overrides.dataDir ?? env['TEXTBRIDGE_DATA_DIR'] ?? f.dataDir),
    databaseUrl: overrides.databaseUrl ?? env['DATABASE_URL'] ?? f.databaseUrl,
    databasePoolSize: f.databasePoolSize,
    errorFormat: f.errorFormat,
    limits: f.limits,
    rates: rates(f.rates ?? {}),
    recipients: f.recipients,
    auth: f.auth,
    log: { level: env['LOG_LEVEL'] ?? f.log.level, showNumbers: f.log.showNumbers },
    metrics: { token: env['METRICS_TOKEN'] ?? f.metrics.token },
    carriers: f.carriers,
    routes: f.routes,
    delivery: f.delivery,
    push: f.push,
    inbound: { publicUrl: f.inbound.publicUrl.replace(/\/$/, ''), carriers: legacy.used },
    balance: f.balance,
    rateCheck: f.rateCheck,
    contacts: f.contacts,
    media: f.media,
    timeline: f.timeline,
    webhooks: f.webhooks,
    webhookDelivery: f.webhookDelivery,
    warnings: legacy.warnings,
  };
  if (cfg.recipients.shortCodeMinDigits > cfg.recipients.shortCodeMaxDigits) {
    throw new ConfigError('recipients.shortCodeMinDigits must not exceed recipients.shortCodeMaxDigits');
  }
  if (cfg.delivery.backoff.baseMs > cfg.delivery.backoff.maxMs) {
    throw new ConfigError('delivery.backoff.baseMs must not exceed delivery.backoff.maxMs');
  }
  if (!(LOG_LEVELS as readonly string[]).includes(cfg.log.level)) {
    throw new ConfigError(`log.level: unknown level "${cfg.log.level}"`);
  }
  if (cfg.media.store === 's3' && !cfg.media.s3) {
    throw new ConfigError('media.s3 must be set when media.store is "s3"');
  }
  if (cfg.databaseUrl && !/^postgres(ql)?:\/\//.test(cfg.databaseUrl)) {
    throw new ConfigError('databaseUrl (DATABASE_URL) must start with postgres:// or be empty');
  }
  return deepFreeze(cfg);
}

/** Names are unique; each carrier passes its type's own rules. */
function checkCarriers(carriers: readonly CarrierConfig[]): void {
  const seen = new Set<string>();
  carriers.forEach((c, i) => {
    if (seen.has(c.name)) throw new ConfigError(`carriers[${i}].name "${c.name}" is used twice`);
    seen.add(c.name);
    const check = CARRIER_TABLES[c.type].check as ((c: CarrierConfig) => KeyProblem) | undefined;
    const problem = check?.(c);
    if (problem) throw new ConfigError(`carriers[${i}].${problem.key} ${problem.why}`);
  });
}

function checkRoute(r: Route, where: string, carriers: ReadonlySet<string>): void {
  if (!carriers.has(r.carrier))
    throw new ConfigError(`${where}.carrier "${r.carrier}" names no carriers[] entry`);
  r.failover.forEach((f, i) => {
    if (!carriers.has(f)) throw new ConfigError(`${where}.failover[${i}] "${f}" names no carriers[] entry`);
  });
}

/** `{"default": 0.01, "+44": 0.04, "onNet": 0}` → sorted prefixes, longest first. */
function rates(value: Record<string, unknown>): Config['rates'] {
  const mms = value['mms'] as Record<string, number | undefined> | undefined;
  const mmsDefault = mms?.['default'];
  return {
    default: (value['default'] as number | undefined) ?? 0,
    onNet: (value['onNet'] as number | undefined) ?? 0,
    prefixes: byPrefix(value),
    ...(mms
      ? { mms: { ...(mmsDefault === undefined ? {} : { default: mmsDefault }), prefixes: byPrefix(mms) } }
      : {}),
  };
}

/** The `"+<prefix>"` keys of a price table, longest first. */
function byPrefix(value: Record<string, unknown>): Array<readonly [string, number]> {
  const prefixes: Array<readonly [string, number]> = [];
  for (const [key, v] of Object.entries(value))
    if (key.startsWith('+') && typeof v === 'number') prefixes.push([key, v]);
  return prefixes.sort((a, b) => b[0].length - a[0].length);
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
