/**
 * `auth.external` over HTTP: the provider's endpoint asked whether a username and password are right
 * (app/external-login.ts has the rules; docs/accounts.md the configuration). The request is a template
 * like an http carrier's (`%username%`, `%password%`, each encoded for where it lands) and goes over the
 * carriers' one HTTP round trip (carriers/http/client.ts). The answer is a value: yes with the
 * account's details, no, or unavailable with a short reason free of secrets.
 */
import type { ExternalAnswer, ExternalProfile, ExternalVerifier } from '../app/external-login.js';
import { getPath, parseJson } from '../carriers/http/answer.js';
import { type HttpRequest, makePool, roundTrip } from '../carriers/http/client.js';
import {
  bodyContext,
  defaultContentType,
  escapeValue,
  type TemplateContext,
} from '../carriers/http/template.js';
import type { ExternalAuthConfig } from '../config/external-auth.js';

const PLACEHOLDER = /%(username|password)%/g;

function expand(template: string, values: { username: string; password: string }, ctx: TemplateContext) {
  return template.replace(PLACEHOLDER, (_m, name: 'username' | 'password') => escapeValue(values[name], ctx));
}

/** The request for one login. It holds the password: never log it. */
export function buildVerifyRequest(c: ExternalAuthConfig, username: string, password: string): HttpRequest {
  const values = { username, password };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.headers ?? {})) headers[k] = expand(v, values, 'header');
  const req: HttpRequest = { method: c.method, url: expand(c.url, values, 'url'), headers };
  if (c.body !== undefined && c.method !== 'GET') {
    const ctx = bodyContext(c.body, c.contentType);
    req.body = expand(c.body, values, ctx);
    headers['content-type'] ??= c.contentType ?? defaultContentType(ctx);
  }
  headers['accept'] ??= 'application/json';
  return req;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** The account's details in a yes answer, where `fields` says they are. */
function profileOf(c: ExternalAuthConfig, json: unknown): ExternalProfile {
  const p: ExternalProfile = {};
  const f = c.fields;
  if (f.numbers) {
    const v = getPath(json, f.numbers);
    const list = Array.isArray(v) ? v.map(text) : text(v)?.split(/[;,]/);
    const numbers = list?.filter((n): n is string => n !== undefined && n.trim() !== '').map((n) => n.trim());
    if (numbers) p.numbers = numbers;
  }
  const region = f.region ? text(getPath(json, f.region)) : undefined;
  if (region) p.region = region;
  const name = f.displayName ? text(getPath(json, f.displayName)) : undefined;
  if (name) p.displayName = name;
  const credit = f.credit ? text(getPath(json, f.credit)) : undefined;
  if (credit) p.credit = credit;
  return p;
}

/** Read an answer: 2xx (and the success field, when configured) is yes; `refuseStatuses` no; else down. */
export function classifyVerifyAnswer(c: ExternalAuthConfig, status: number, body: string): ExternalAnswer {
  if (status >= 200 && status < 300) {
    const json = parseJson(body);
    if (c.success) {
      const v = getPath(json, c.success.jsonField);
      const yes = c.success.equals === undefined ? v === true : v === c.success.equals;
      if (!yes) return { kind: 'no' };
    }
    return { kind: 'yes', profile: profileOf(c, json) };
  }
  if (c.refuseStatuses.includes(status)) return { kind: 'no' };
  return { kind: 'unavailable', reason: `status ${status}` };
}

export function makeHttpVerifier(c: ExternalAuthConfig): ExternalVerifier & { close(): Promise<void> } {
  const pool = makePool(16);
  return {
    async verify(username, password) {
      const signal = AbortSignal.timeout(c.timeoutMs);
      const r = await roundTrip(buildVerifyRequest(c, username, password), {
        dispatcher: pool,
        signal,
        timeoutMs: c.timeoutMs,
      });
      if (!r.ok) return { kind: 'unavailable', reason: signal.aborted ? 'timed out' : r.reason };
      return classifyVerifyAnswer(c, r.answer.status, r.answer.text);
    },
    close: () => pool.close(),
  };
}
