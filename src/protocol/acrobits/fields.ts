/**
 * Request fields as the Acrobits templates send them.
 *
 * The provider writes the templates, so the same value may arrive in the query string, a form body or
 * a JSON body, under any of several names, with any Content-Type (https://doc.acrobits.net/api/client/intro.html).
 * We merge query and body (body wins), lower-case the keys, and sniff the body format ourselves.
 */
import { isText } from '../../domain/text.js';
import { badRequest } from '../../errors.js';

/** Case-insensitive field bag: keys are lower-case. */
export type Fields = ReadonlyMap<string, string>;

/**
 * Parse a raw body by sniffing: JSON when it looks like a JSON object, else form-urlencoded, whatever
 * the Content-Type says (templates send `text/plain`, `; charset=…`, or nothing).
 */
export function parseBody(raw: Buffer | undefined, contentType: string | undefined): Record<string, unknown> {
  if (!raw || raw.length === 0) return {};
  const text = raw.toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // A form body can start with `{` only by accident; a JSON Content-Type makes the mistake plain.
      if (/json/i.test(contentType ?? '') || !text.includes('='))
        throw badRequest('Request body is not valid JSON');
    }
  } else if (trimmed.startsWith('[') && /json/i.test(contentType ?? '')) {
    throw badRequest('Request body must be a JSON object');
  }
  if (!text.includes('=')) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

/** Query string of a raw URL, decoded as form data (so a lone `+` becomes a space, as in forms). */
export function parseQuery(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  if (q < 0) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) out[k] = v;
  return out;
}

/**
 * Merge sources, later ones winning, into lower-case keys. Non-string JSON values become strings.
 * A later source that names any alias of a field (see `ALIASES`) replaces every alias of that field
 * from the earlier ones, so the body's `pass` beats the query's `password`.
 * Every key and value is checked: text with U+0000 or an unpaired UTF-16 surrogate is refused here,
 * before it can reach the store or a carrier (PostgreSQL's text type cannot hold a NUL; an unpaired
 * surrogate is not Unicode text and cannot be encoded as UTF-8).
 */
export function mergeFields(...sources: Array<Record<string, unknown>>): Fields {
  const fields = new Map<string, string>();
  for (const src of sources) {
    const keys = Object.keys(src).map((k) => k.toLowerCase());
    for (const group of Object.values(ALIASES) as ReadonlyArray<readonly string[]>) {
      if (keys.some((k) => group.includes(k))) for (const a of group) fields.delete(a);
    }
    for (const [k, v] of Object.entries(src)) {
      if (v === undefined) continue;
      const key = checkedText(k.toLowerCase(), undefined);
      fields.set(key, checkedText(asString(v), key));
    }
  }
  return fields;
}

/** `text` itself, or a 400 naming the field (never its value, which may be a password). */
function checkedText(text: string, field: string | undefined): string {
  if (isText(text)) return text;
  const what = field === undefined ? 'A field name' : `The field "${field.slice(0, 40)}"`;
  throw badRequest(`${what} contains a character that is not allowed (NUL or an unpaired surrogate)`);
}

function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    // A value nested deeper than the stack allows (or otherwise not serialisable) is the client's mistake.
    throw badRequest('Request body is nested too deeply');
  }
}

/** The first alias present (aliases are lower-case), or undefined. */
export function pick(fields: Fields, aliases: readonly string[]): string | undefined {
  for (const a of aliases) {
    const v = fields.get(a);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Field names shared by every app-facing service. */
export const ALIASES = {
  username: ['from', 'username', 'user', 'cloud_username'],
  password: ['password', 'pass', 'cloud_password'],
} as const;

/** Username and password, trimmed (a production template has a trailing space). */
export function credentials(fields: Fields): { username: string | undefined; password: string | undefined } {
  return {
    username: pick(fields, ALIASES.username)?.trim() || undefined,
    password: pick(fields, ALIASES.password)?.trim() || undefined,
  };
}

/** A truthy flag as templates send it: `1`, `"1"`, `true`, `yes`; anything else is false (§0.1). */
export function flag(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}
