/**
 * The effective configuration with every secret masked, for `textbridge config check`: a value whose
 * key the schema marks `secret: true` becomes `"********"`; one marked `secret: 'url'` keeps its URL but
 * loses the password (`postgres://u:********@h/db`) and every credential-like query value
 * (`?password=********`, `api_key`, `token`, `secret`, `sig`, `auth`).
 */
import { MASK, maskUrl } from '../domain/redact.js';
import { isObject, type Json } from './check.js';
import { ConfigFile } from './schema.js';

type Node = Json & {
  anyOf?: Node[];
  properties?: Record<string, Node>;
  patternProperties?: Record<string, Node>;
  items?: Node;
};

export { MASK, maskUrl };

/** A copy of `config` with its secrets masked. */
export function maskSecrets(config: object): unknown {
  return mask(ConfigFile as object as Node, config);
}

function mask(schema: Node | undefined, value: unknown): unknown {
  if (schema === undefined) return value;
  if (typeof value === 'string') {
    if (schema['secret'] === true && value !== '') return MASK;
    if (schema['secret'] === 'url') return maskUrl(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => mask(schema.items, v));
  if (!isObject(value)) return value;
  const variant = schema.anyOf?.find((v) =>
    Object.entries(v.properties ?? {}).some(([k, p]) => 'const' in p && p['const'] === value[k]),
  );
  const s = variant ?? schema;
  const patterns = Object.entries(s.patternProperties ?? {});
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = mask(s.properties?.[k] ?? patterns.find(([re]) => new RegExp(re).test(k))?.[1], v);
  }
  return out;
}
