/**
 * The `push` and `inbound` configuration slices (issue #4): shapes, defaults, validated once by
 * `config/index.ts` (which hands over the environment for `env:NAME` secrets) and frozen with the rest.
 * A bad key fails boot with its name (STYLE.md habit 4). Documented in docs/configuration.md.
 */

import type { GenericWebhookAuth, GenericWebhookConfig } from '../carriers/http/generic-webhook.js';
import { resolveSecret } from '../carriers/http/template.js';
import type { VonageSignatureMethod } from '../carriers/vonage/webhook.js';
import { ConfigError, isObject, type Json } from './check.js';

/** Push to the Acrobits push service. On by default: only devices that reported tokens get pushes. */
export interface PushConfig {
  enabled: boolean;
  /** PNM JSON gateway (http_push doc). */
  url: string;
  timeoutMs: number;
  maxAttempts: number;
  retryDelaysMs: readonly number[];
  includeText: boolean;
}

/** One carrier's inbound webhook, by name; the name is the path (`/inbound/<name>`) and the carrier. */
export type InboundCarrierConfig =
  | { type: 'twilio'; authToken: string }
  | { type: 'telnyx'; publicKey: string; toleranceSec: number }
  | { type: 'vonage'; signatureSecret?: string; signatureMethod: VonageSignatureMethod; toleranceSec: number }
  | ({ type: 'generic' } & Omit<GenericWebhookConfig, 'carrier'>);

export interface InboundConfig {
  /** Public base URL the carriers call (`https://sms.example.com`); Twilio signs the full URL. */
  publicUrl: string;
  carriers: Readonly<Record<string, InboundCarrierConfig>>;
}

export const DEFAULT_PNM_URL = 'https://pnm.cloudsoftphone.com/pnm2/send';

type Env = Record<string, string | undefined>;

function get<T>(o: Json, key: string, name: string, check: (v: unknown) => v is T, what: string, def?: T): T {
  const v = o[key];
  if (v === undefined && def !== undefined) return def;
  if (!check(v)) throw new ConfigError(`${name}.${key} must be ${what}`);
  return v;
}
const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function only(o: Json, name: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw new ConfigError(`${name}.${k}: unknown key (known: ${keys.join(', ')})`);
  }
}

function secret(o: Json, key: string, name: string, env: Env): string {
  try {
    return resolveSecret(get(o, key, name, isStr, 'a non-empty string'), env);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${name}.${key}: ${(e as Error).message}`);
  }
}

/** Validate `push`. */
export function resolvePushConfig(raw: Json): PushConfig {
  only(raw, 'push', ['enabled', 'url', 'timeoutMs', 'maxAttempts', 'retryDelaysMs', 'includeText']);
  const url = get(raw, 'url', 'push', isStr, 'an http(s) URL', DEFAULT_PNM_URL);
  if (!/^https?:\/\//.test(url)) throw new ConfigError('push.url must be an http(s) URL');
  const delays = get(
    raw,
    'retryDelaysMs',
    'push',
    isStrListOrInts,
    'a non-empty list of milliseconds',
    [5_000, 30_000, 120_000, 600_000],
  );
  return {
    enabled: get(raw, 'enabled', 'push', isBool, 'true or false', true),
    url,
    timeoutMs: get(raw, 'timeoutMs', 'push', isPosInt, 'a whole number of milliseconds', 10_000),
    maxAttempts: get(raw, 'maxAttempts', 'push', isPosInt, 'a whole number from 1', 5),
    retryDelaysMs: delays,
    includeText: get(raw, 'includeText', 'push', isBool, 'true or false', true),
  };
}
function isStrListOrInts(v: unknown): v is number[] {
  return (
    Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
  );
}

/** Validate `inbound`. */
export function resolveInboundConfig(raw: Json, env: Env): InboundConfig {
  only(raw, 'inbound', ['publicUrl', 'carriers']);
  const publicUrl = get(raw, 'publicUrl', 'inbound', (v): v is string => typeof v === 'string', 'a URL', '');
  if (publicUrl && !/^https?:\/\/[^/]+$/.test(publicUrl.replace(/\/$/, ''))) {
    throw new ConfigError('inbound.publicUrl must be a scheme and host, like https://sms.example.com');
  }
  const list = get(raw, 'carriers', 'inbound', isObject, 'an object of carrier name → settings', {});
  const carriers: Record<string, InboundCarrierConfig> = {};
  for (const [key, value] of Object.entries(list)) {
    const name = `inbound.carriers.${key}`;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(key))
      throw new ConfigError(`${name}: names are letters, digits, - and _`);
    if (!isObject(value)) throw new ConfigError(`${name} must be an object`);
    carriers[key] = carrier(value, name, env);
  }
  return { publicUrl: publicUrl.replace(/\/$/, ''), carriers };
}

function carrier(o: Json, name: string, env: Env): InboundCarrierConfig {
  switch (o['type']) {
    case 'twilio':
      only(o, name, ['type', 'authToken']);
      return { type: 'twilio', authToken: secret(o, 'authToken', name, env) };
    case 'telnyx':
      only(o, name, ['type', 'publicKey', 'toleranceSec']);
      return {
        type: 'telnyx',
        publicKey: secret(o, 'publicKey', name, env),
        toleranceSec: get(o, 'toleranceSec', name, isPosInt, 'a whole number of seconds', 300),
      };
    case 'vonage': {
      only(o, name, ['type', 'signatureSecret', 'signatureMethod', 'toleranceSec']);
      const methods = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'];
      const isMethod = (v: unknown): v is VonageSignatureMethod => methods.includes(v as string);
      return {
        type: 'vonage',
        ...(o['signatureSecret'] === undefined
          ? {}
          : { signatureSecret: secret(o, 'signatureSecret', name, env) }),
        signatureMethod: get(o, 'signatureMethod', name, isMethod, `one of ${methods.join(', ')}`, 'md5hash'),
        toleranceSec: get(o, 'toleranceSec', name, isPosInt, 'a whole number of seconds', 300),
      };
    }
    case 'generic':
      only(o, name, ['type', 'auth', 'inbound', 'receipt']);
      return { type: 'generic', ...generic(o, name, env) };
    default:
      throw new ConfigError(`${name}.type must be one of twilio, telnyx, vonage, generic`);
  }
}

function generic(o: Json, name: string, env: Env): Omit<GenericWebhookConfig, 'carrier'> {
  const a = get(
    o,
    'auth',
    name,
    isObject,
    'an object ({"kind": "header"|"hmac-sha256", "header", "secret"})',
  );
  const an = `${name}.auth`;
  const kind = get(
    a,
    'kind',
    an,
    (v): v is 'header' | 'hmac-sha256' => v === 'header' || v === 'hmac-sha256',
    '"header" or "hmac-sha256"',
  );
  const header = get(a, 'header', an, isStr, 'a header name').toLowerCase();
  const auth: GenericWebhookAuth =
    kind === 'header'
      ? { kind, header, secret: secret(a, 'secret', an, env) }
      : {
          kind,
          header,
          secret: secret(a, 'secret', an, env),
          encoding: get(
            a,
            'encoding',
            an,
            (v): v is 'hex' | 'base64' => v === 'hex' || v === 'base64',
            '"hex" or "base64"',
            'hex',
          ),
          prefix: get(a, 'prefix', an, (v): v is string => typeof v === 'string', 'a string', ''),
        };
  const out: Omit<GenericWebhookConfig, 'carrier'> = { auth };
  if (o['inbound'] !== undefined) {
    const i = get(o, 'inbound', name, isObject, 'an object of field names {from, to, body, id}');
    const n = `${name}.inbound`;
    out.inbound = {
      from: get(i, 'from', n, isStr, 'a field name'),
      to: get(i, 'to', n, isStr, 'a field name'),
      body: get(i, 'body', n, isStr, 'a field name'),
      id: get(i, 'id', n, isStr, 'a field name'),
    };
  }
  if (o['receipt'] !== undefined) {
    const r = get(o, 'receipt', name, isObject, 'an object {ref, status, delivered, failed}');
    const n = `${name}.receipt`;
    out.receipt = {
      ref: get(r, 'ref', n, isStr, 'a field name'),
      status: get(r, 'status', n, isStr, 'a field name'),
      delivered: get(r, 'delivered', n, isStrList, 'a list of status values'),
      failed: get(r, 'failed', n, isStrList, 'a list of status values'),
      ...(r['error'] === undefined ? {} : { error: get(r, 'error', n, isStr, 'a field name') }),
    };
  }
  return out;
}
