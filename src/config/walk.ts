/**
 * The one validator of the configuration: it walks a value against its TypeBox schema (plain JSON
 * Schema), fills each missing key that has a `default`, reads `env:NAME` secrets, and throws a
 * `ConfigError` whose message starts with the value's full path (`carriers[2].bdy is not a key of an
 * http carrier`). TypeBox's own `Value.Errors` would check the same schema, but its messages speak JSON
 * Schema ("must be integer", `/carriers/2`); an operator reading a boot failure needs the key's name, the
 * range and, for a typo, the key meant. The subset of JSON Schema used by the key tables is small:
 * objects (with `properties`, `patternProperties`, `additionalProperties: false`), arrays, strings,
 * integers, numbers, booleans, `enum`, `const` and `anyOf`.
 */
import { ConfigError, isObject, type Json } from './check.js';

/** A schema node as the walker reads it (TypeBox builds plain JSON Schema objects). */
type Node = Json & {
  type?: string;
  anyOf?: Node[];
  properties?: Record<string, Node>;
  patternProperties?: Record<string, Node>;
  additionalProperties?: boolean;
  required?: string[];
  items?: Node;
};

type Env = Record<string, string | undefined>;

/** Where a value is and what applies there. */
interface Where {
  path: string;
  env: Env;
  /** Read `env:NAME` in every string below (a carrier's templates may hold secrets anywhere). */
  envEverywhere?: boolean;
}

const fail = (path: string, why: string): never => {
  throw new ConfigError(`${path} ${why}`);
};

/** `a.b`, `a[2]`, `a["x y"]`. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[\w$+-]+$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** The value checked and defaulted (a new object; the input is not changed). */
export function walk(typed: object, value: unknown, at: Where): unknown {
  const schema = typed as Node;
  if (schema['envEverywhere']) at = { ...at, envEverywhere: true };
  if (Array.isArray(schema['enum'])) {
    const allowed = schema['enum'] as unknown[];
    if (!allowed.includes(value)) fail(at.path, `must be one of ${allowed.map((a) => String(a)).join(', ')}`);
    return value;
  }
  if (schema.anyOf) return union(schema, schema.anyOf, value, at);
  if ('const' in schema) {
    if (value !== schema['const']) fail(at.path, `must be ${JSON.stringify(schema['const'])}`);
    return value;
  }
  switch (schema.type) {
    case 'object':
      return object(schema, value, at);
    case 'array': {
      if (!Array.isArray(value)) return fail(at.path, 'must be an array');
      const min = schema['minItems'] as number | undefined;
      if (min !== undefined && value.length < min)
        fail(at.path, hintOr(schema, `must have at least ${min} item(s)`));
      return value.map((v, i) => walk(schema.items ?? {}, v, { ...at, path: child(at.path, i) }));
    }
    case 'string':
      return string(schema, value, at);
    case 'integer':
    case 'number':
      return number(schema, value, at);
    case 'boolean':
      if (typeof value !== 'boolean') fail(at.path, 'must be true or false');
      return value;
    default:
      return value;
  }
}

function hintOr(schema: Node, why: string): string {
  return typeof schema['hint'] === 'string' ? schema['hint'] : why;
}

function string(schema: Node, value: unknown, at: Where): string {
  if (typeof value !== 'string') return fail(at.path, 'must be a string');
  let v = value;
  if ((at.envEverywhere || schema['secret'] === true) && v.startsWith('env:')) {
    const name = v.slice(4);
    const got = at.env[name];
    if (got === undefined || got === '') fail(`${at.path}:`, `environment variable ${name} is not set`);
    v = got as string;
  }
  const min = schema['minLength'] as number | undefined;
  const max = schema['maxLength'] as number | undefined;
  if (min !== undefined && v.length < min)
    fail(at.path, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  if (max !== undefined && Buffer.byteLength(v) > max) fail(at.path, `must be at most ${max} octets`);
  const pattern = schema['pattern'] as string | undefined;
  if (pattern !== undefined && !new RegExp(pattern).test(v))
    fail(at.path, hintOr(schema, `must match ${pattern}`));
  return v;
}

function number(schema: Node, value: unknown, at: Where): number {
  const whole = schema.type === 'integer';
  const min = schema['minimum'] as number | undefined;
  const max = schema['maximum'] as number | undefined;
  const above = schema['exclusiveMinimum'] as number | undefined;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!whole || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (above === undefined || value > above);
  if (ok) return value as number;
  const kind = whole ? 'a whole number' : 'a number';
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : above !== undefined
        ? ` above ${above}`
        : min !== undefined
          ? ` of at least ${min}`
          : max !== undefined
            ? ` of at most ${max}`
            : '';
  return fail(at.path, hintOr(schema, `must be ${kind}${range}`));
}

function object(schema: Node, value: unknown, at: Where): Json {
  if (!isObject(value)) return fail(at.path, 'must be an object');
  const props = schema.properties ?? {};
  const patterns = Object.entries(schema.patternProperties ?? {}).map(
    ([p, s]) => [new RegExp(p), s] as const,
  );
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue; // a JSON file has none; code that builds a config may
    const path = child(at.path, k);
    const s = props[k] ?? patterns.find(([re]) => re.test(k))?.[1];
    if (s) out[k] = walk(s, v, { ...at, path });
    else if (schema.additionalProperties === false) unknownKey(schema, at.path, k, Object.keys(props));
    else out[k] = v;
  }
  const required = new Set(schema.required ?? []);
  for (const [k, s] of Object.entries(props)) {
    if (k in out) continue;
    if ('default' in s) out[k] = walk(s, structuredClone(s['default']), { ...at, path: child(at.path, k) });
    else if (required.has(k)) fail(child(at.path, k), 'is required');
  }
  return out;
}

function unknownKey(schema: Node, path: string, key: string, known: string[]): never {
  const near = known.find((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  const meant = near === undefined ? '' : ` (did you mean "${near}"?)`;
  const where =
    path === '' ? 'is not a configuration key' : `is not a key of ${String(schema['noun'] ?? path)}`;
  const extra = typeof schema['keysHint'] === 'string' ? `: ${schema['keysHint']}` : '';
  return fail(child(path, key), `${where}${extra}${meant}`);
}

/** Levenshtein distance, for "did you mean" (keys are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function union(schema: Node, variants: Node[], value: unknown, at: Where): unknown {
  if (variants.every((v) => 'const' in v)) {
    const allowed = variants.map((v) => v['const']);
    if (!allowed.includes(value)) fail(at.path, `must be one of ${allowed.map((a) => String(a)).join(', ')}`);
    return value;
  }
  // Objects told apart by one key with a constant in each (`type`, `kind`): check that key first, so
  // the message names it, then the object of that variant.
  const disc = variants.every((v) => v.type === 'object') ? discriminator(variants) : undefined;
  if (disc !== undefined) {
    if (!isObject(value)) return fail(at.path, 'must be an object');
    const consts = variants.map((v) => v.properties![disc]!['const']);
    const i = consts.indexOf(value[disc]);
    if (i < 0) return fail(child(at.path, disc), `must be one of ${consts.map((c) => String(c)).join(', ')}`);
    return walk(variants[i]!, value, at);
  }
  for (const v of variants) {
    try {
      return walk(v, value, at);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
  return fail(at.path, hintOr(schema, 'has the wrong type'));
}

function discriminator(variants: Node[]): string | undefined {
  const first = variants[0]?.properties ?? {};
  return Object.keys(first).find((k) =>
    variants.every((v) => v.properties?.[k] && 'const' in v.properties[k]!),
  );
}
