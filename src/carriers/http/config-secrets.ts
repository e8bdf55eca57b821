/**
 * The secrets in an http carrier's configuration, so that what its answers say can be masked by value
 * (`domain/redact.ts`): header values (whole, the credentials after an authentication scheme, and a
 * Basic pair decoded), the URL's password, and credential-like fields of the URL query and the body.
 */
import type { HttpCarrierConfig } from './config.js';

/** Headers that describe the request rather than prove who sends it. */
const PLAIN_HEADERS = new Set(['content-type', 'accept', 'accept-language', 'user-agent']);
/** Field names that carry a credential (`api_key`, `password`, `auth_token`, `signature`…). */
const CREDENTIAL_FIELD = /pass|secret|token|key|sig|auth|cred/i;
const PLACEHOLDER = /%(?:to_digits|from_digits|sms_id|body|from|to)%/;

/** The fixed parts of a template (what the operator wrote, not the message's values). */
const literals = (template: string): string[] =>
  template
    .split(PLACEHOLDER)
    .map((p) => p.trim())
    .filter((p) => p.length >= 4);

/** Every secret value of `cfg`, for `HttpAdapterSpec.secrets`. */
export function configSecrets(cfg: Pick<HttpCarrierConfig, 'url' | 'headers' | 'body'>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(cfg.headers ?? {})) {
    if (PLAIN_HEADERS.has(name.toLowerCase())) continue;
    for (const part of literals(value)) {
      out.push(part);
      const scheme = /^([\w-]+)\s+(\S+)$/.exec(part);
      if (!scheme) continue;
      out.push(scheme[2]!);
      if (scheme[1]!.toLowerCase() === 'basic') {
        const pair = Buffer.from(scheme[2]!, 'base64').toString('utf8');
        out.push(pair, pair.slice(pair.indexOf(':') + 1));
      }
    }
  }
  try {
    const url = new URL(cfg.url);
    if (url.password) out.push(decodeURIComponent(url.password));
    for (const [k, v] of url.searchParams) if (CREDENTIAL_FIELD.test(k)) out.push(...literals(v));
  } catch {
    // A URL that does not parse before expansion is reported when a request is built.
  }
  if (cfg.body !== undefined) out.push(...bodySecrets(cfg.body));
  return [...new Set(out)];
}

/** Credential-like fields of a JSON or form body template. */
function bodySecrets(body: string): string[] {
  const out: string[] = [];
  const t = body.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const walk = (v: unknown, key = ''): void => {
        if (typeof v === 'string' && CREDENTIAL_FIELD.test(key)) out.push(...literals(v));
        else if (v !== null && typeof v === 'object')
          for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, k);
      };
      walk(JSON.parse(t));
    } catch {
      // Not JSON after all: nothing to take from it.
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(body)) if (CREDENTIAL_FIELD.test(k)) out.push(...literals(v));
  return out;
}
