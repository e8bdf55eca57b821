/**
 * The app's side of a web service (https://doc.acrobits.net/api/client/intro.html): read a service's
 * keys from an Account XML and turn its templates into the HTTP request the app would send.
 *
 * - `%name%` and `%account[key]%` are replaced by their values; an unknown variable by nothing.
 *   `%sha1(%…%)%` is the SHA-1 (hex) of the inner value, what a provider uses to send a password over
 *   plain http (https://faq.acrobits.net/set-up-your-balance-check-web-service).
 * - A value is percent-encoded in the URL and in a form body (so `+`, `&`, `=`, `%` and `#` arrive as
 *   sent), JSON-escaped in a JSON body (Content-Type with `json`), and put as it is in any other body.
 * - The method is `<Prefix>Method`, else GET when the post data is empty and POST otherwise; post data
 *   is not sent with GET; an empty content type means `application/x-www-form-urlencoded`.
 * - The Balance and Rate Checkers send asterisks for `%account[password]%` when their URL is plain
 *   `http://` (https://doc.acrobits.net/api/client/balance_checker.html, rate_checker.html).
 */
import { createHash } from 'node:crypto';

/** One service's keys as the Account XML sets them ('' when unset). */
export interface ServiceKeys {
  url: string;
  postData: string;
  contentType: string;
  method: string;
  customHeaders: string;
}

/** The request the app sends. */
export interface AppRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export const FORM = 'application/x-www-form-urlencoded';

/**
 * A service's keys: each from the first of `prefixes` that sets it (Send Message's body may be under
 * `genericSmsSend…` or `genericSms…`). Undefined when no prefix sets a URL.
 */
export function readServiceKeys(
  keys: ReadonlyMap<string, string>,
  prefixes: readonly string[],
): ServiceKeys | undefined {
  const get = (field: string) => {
    for (const p of prefixes) {
      const v = keys.get(`${p}${field}`);
      if (v !== undefined && v.trim() !== '') return v.trim();
    }
    return '';
  };
  const svc = {
    url: get('Url'),
    postData: get('PostData'),
    contentType: get('ContentType'),
    method: get('Method').toUpperCase(),
    customHeaders: get('CustomHeaders'),
  };
  return svc.url ? svc : undefined;
}

const VARIABLE = /%(sha1\(%([^%]+)%\)|[A-Za-z_][\w]*(?:\[[^\]%]*\])?)%/g;

/** Fill `template`'s variables from `vars`, each value passed through `encode`. */
export function fillTemplate(
  template: string,
  vars: Readonly<Record<string, string>>,
  encode: (v: string) => string,
): string {
  return template.replace(VARIABLE, (_, name: string, inner: string | undefined) => {
    const value =
      inner !== undefined
        ? createHash('sha1')
            .update(vars[inner] ?? '')
            .digest('hex')
        : (vars[name] ?? '');
    return encode(value);
  });
}

const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1);

/** How a body of this content type carries a value. */
export function bodyEncoder(contentType: string): (v: string) => string {
  const type = (contentType || FORM).toLowerCase();
  if (type.includes('json')) return jsonEscape;
  if (type.includes('x-www-form-urlencoded')) return encodeURIComponent;
  return (v) => v;
}

/** `Name: value` lines (newline-separated) as headers; a line without a colon is skipped. */
function customHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/**
 * The request the app sends for `svc` with these variable values. `masksPassword`: the service is one
 * whose password the app hides over plain http (the Balance and Rate Checkers).
 */
export function expandRequest(
  svc: ServiceKeys,
  vars: Readonly<Record<string, string>>,
  masksPassword = false,
): AppRequest {
  const password = vars['account[password]'] ?? '';
  const values =
    masksPassword && /^http:/i.test(svc.url)
      ? { ...vars, 'account[password]': '*'.repeat(password.length) }
      : vars;
  const method = svc.method || (svc.postData ? 'POST' : 'GET');
  const url = fillTemplate(svc.url, values, encodeURIComponent);
  const headers = customHeaders(svc.customHeaders);
  if (method === 'GET' || method === 'HEAD' || !svc.postData) return { method, url, headers };
  const contentType = svc.contentType || FORM;
  return {
    method,
    url,
    headers: { ...headers, 'content-type': contentType },
    body: fillTemplate(svc.postData, values, bodyEncoder(contentType)),
  };
}
