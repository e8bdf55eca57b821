/**
 * The `carriers`, `routes` and `delivery` sections of the configuration (`config/index.ts` hands them over
 * unread). Validated once, defaulted and frozen; a mistake fails boot with the name of the bad key
 * (STYLE.md habit 4). `env:NAME` values anywhere in a carrier are read from the environment here, so
 * no secret sits in a config file (issue #3). Type-specific keys are checked again by each carrier's
 * factory (`carriers/index.ts`), which also names the key.
 */
import { resolveSecret } from '../carriers/http/template.js';
import type { Route } from '../domain/routing.js';
import { ConfigError, deepFreeze, int, isObject, type Json } from './check.js';
import type { Config } from './index.js';

/** Carrier types and the keys each one requires. */
export const CARRIER_TYPES = {
  http: ['method', 'url'],
  twilio: ['accountSid', 'authToken'],
  telnyx: ['apiKey'],
  vonage: ['apiKey', 'apiSecret'],
  voipms: ['apiUsername', 'apiPassword'],
  smpp: ['host', 'port', 'systemId', 'password'],
  log: [],
} as const;

export type CarrierType = keyof typeof CARRIER_TYPES;

/** One configured carrier: common keys, and the rest of its object for its factory. */
export interface CarrierSpec {
  name: string;
  type: CarrierType;
  ratePerSecond?: number;
  concurrency?: number;
  /** Everything else in the carrier's object, secrets resolved. */
  settings: Readonly<Record<string, unknown>>;
}

/** `delivery` with its defaults. */
export interface DeliverySettings {
  /** How long Send Message waits for the first attempt before answering 200 anyway. */
  waitMs: number;
  maxAttempts: number;
  maxAgeMs: number;
  backoff: { baseMs: number; maxMs: number };
  /** A worker's lease on a job; must outlive a send with its timeouts. */
  leaseMs: number;
  /** Jobs a worker runs at once. */
  concurrency: number;
  /** How often an idle worker looks for due jobs. */
  pollMs: number;
  /** Run the worker inside `textbridge serve` (false: run `textbridge worker` separately). */
  worker: boolean;
}

/** The validated delivery configuration. */
export interface DeliveryConfig {
  carriers: readonly CarrierSpec[];
  routes: readonly Route[];
  delivery: DeliverySettings;
}

export const DELIVERY_DEFAULTS: DeliverySettings = {
  waitMs: 3_000,
  maxAttempts: 10,
  maxAgeMs: 24 * 3_600_000,
  backoff: { baseMs: 5_000, maxMs: 15 * 60_000 },
  leaseMs: 60_000,
  concurrency: 200,
  pollMs: 500,
  worker: true,
};

const fail = (key: string, why: string): never => {
  throw new ConfigError(`${key} ${why}`);
};

/** Validate the three sections. `env` resolves `env:NAME` secrets. */
export function parseDeliveryConfig(
  cfg: Pick<Config, 'carriers' | 'routes' | 'delivery'>,
  env: Record<string, string | undefined> = process.env,
): Readonly<DeliveryConfig> {
  const carriers = cfg.carriers.map((c, i) => parseCarrier(c, `carriers[${i}]`, env));
  const names = new Set<string>();
  for (const c of carriers) {
    if (names.has(c.name)) fail(`carriers: name "${c.name}"`, 'is used twice');
    names.add(c.name);
  }
  const routes = cfg.routes.map((r, i) => parseRoute(r, `routes[${i}]`, names));
  return deepFreeze({ carriers, routes, delivery: parseSettings(cfg.delivery) });
}

function parseCarrier(v: unknown, key: string, env: Record<string, string | undefined>): CarrierSpec {
  if (!isObject(v)) return fail(key, 'must be an object');
  const { name, type, ratePerSecond, concurrency, ...rest } = v;
  if (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)) {
    return fail(`${key}.name`, 'must be 1-64 letters, digits, ".", "_" or "-"');
  }
  const where = `carriers.${name}`;
  if (typeof type !== 'string' || !(type in CARRIER_TYPES)) {
    return fail(`${where}.type`, `must be one of ${Object.keys(CARRIER_TYPES).join(', ')}`);
  }
  for (const req of CARRIER_TYPES[type as CarrierType]) {
    if (rest[req] === undefined || rest[req] === '') fail(`${where}.${req}`, 'is required');
  }
  if (ratePerSecond !== undefined && !(typeof ratePerSecond === 'number' && ratePerSecond > 0)) {
    fail(`${where}.ratePerSecond`, 'must be a number above 0');
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && (concurrency as number) > 0)) {
    fail(`${where}.concurrency`, 'must be a whole number above 0');
  }
  const settings = resolveSecrets(rest, where, env) as Json;
  return {
    name,
    type: type as CarrierType,
    settings,
    ...(ratePerSecond === undefined ? {} : { ratePerSecond: ratePerSecond as number }),
    ...(concurrency === undefined ? {} : { concurrency: concurrency as number }),
  };
}

function resolveSecrets(v: unknown, key: string, env: Record<string, string | undefined>): unknown {
  if (typeof v === 'string') {
    try {
      return resolveSecret(v, env);
    } catch (e) {
      return fail(key, `: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(v)) return v.map((x, i) => resolveSecrets(x, `${key}[${i}]`, env));
  if (isObject(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveSecrets(x, `${key}.${k}`, env)]));
  }
  return v;
}

function strings(v: unknown, key: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s !== '')) {
    return fail(key, 'must be an array of non-empty strings');
  }
  return v as string[];
}

function parseRoute(v: unknown, key: string, carriers: ReadonlySet<string>): Route {
  if (!isObject(v)) return fail(key, 'must be an object');
  for (const k of Object.keys(v)) {
    if (!['prefixes', 'accounts', 'carrier', 'failover', 'from'].includes(k))
      fail(`${key}.${k}`, 'is not a route key');
  }
  const prefixes = strings(v['prefixes'], `${key}.prefixes`);
  for (const p of prefixes)
    if (!/^\+?\d{1,15}$/.test(p)) fail(`${key}.prefixes`, `: "${p}" is not like "+44"`);
  const carrier = v['carrier'];
  if (typeof carrier !== 'string' || !carriers.has(carrier)) {
    return fail(`${key}.carrier`, 'must name a configured carrier');
  }
  const failover = strings(v['failover'], `${key}.failover`);
  for (const f of failover)
    if (!carriers.has(f)) fail(`${key}.failover`, `: "${f}" is not a configured carrier`);
  const from = v['from'];
  if (from !== undefined && typeof from !== 'string') fail(`${key}.from`, 'must be a string');
  return {
    prefixes,
    accounts: strings(v['accounts'], `${key}.accounts`),
    carrier,
    failover,
    ...(typeof from === 'string' ? { from } : {}),
  };
}

function parseSettings(d: Readonly<Json>): DeliverySettings {
  const D = DELIVERY_DEFAULTS;
  const known = [
    'waitMs',
    'maxAttempts',
    'maxAgeMs',
    'backoff',
    'leaseMs',
    'concurrency',
    'pollMs',
    'worker',
  ];
  for (const k of Object.keys(d)) if (!known.includes(k)) fail(`delivery.${k}`, 'is not a delivery key');
  const b = d['backoff'] ?? {};
  if (!isObject(b)) return fail('delivery.backoff', 'must be an object');
  const worker = d['worker'] ?? D.worker;
  if (typeof worker !== 'boolean') fail('delivery.worker', 'must be true or false');
  const s: DeliverySettings = {
    waitMs: int(d, 'delivery.waitMs', D.waitMs, 0, 60_000),
    maxAttempts: int(d, 'delivery.maxAttempts', D.maxAttempts, 1, 1000),
    maxAgeMs: int(d, 'delivery.maxAgeMs', D.maxAgeMs, 1000, 30 * 86_400_000),
    backoff: {
      baseMs: int(b, 'delivery.backoff.baseMs', D.backoff.baseMs, 1, 86_400_000),
      maxMs: int(b, 'delivery.backoff.maxMs', D.backoff.maxMs, 1, 86_400_000),
    },
    leaseMs: int(d, 'delivery.leaseMs', D.leaseMs, 1000, 3_600_000),
    concurrency: int(d, 'delivery.concurrency', D.concurrency, 1, 10_000),
    pollMs: int(d, 'delivery.pollMs', D.pollMs, 1, 60_000),
    worker: worker as boolean,
  };
  if (s.backoff.baseMs > s.backoff.maxMs)
    fail('delivery.backoff.baseMs', 'must not exceed delivery.backoff.maxMs');
  return s;
}
