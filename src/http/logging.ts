/**
 * Logging rules for the HTTP edge. The app's GET template puts the password (and the text) in the
 * query string (send_message doc), and Fastify's default request log writes the full URL,
 * so we never log a query string: requests are logged once, on completion, as method + path + status.
 * Bodies are never logged.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { credentials, type Fields } from '../protocol/acrobits/fields.js';

/** The path of a URL without its query string (where the password may be). */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** pino serializers that keep secrets out of any log line that includes a request. */
export const serializers = {
  req(req: FastifyRequest | { method?: string; url?: string }) {
    return { method: req.method, path: pathOnly(req.url ?? '') };
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The username the request authenticates as, for its log line (not shown after a 401). */
    account: string | undefined;
    /** The message the request stored (Send Message), for its log line. */
    smsId: number | undefined;
  }
}

/**
 * `X-Request-Id` as a load balancer sets it: printable ASCII, at most 128 characters. Anything else is
 * replaced by an id of our own, so a log line never carries a control character or a huge header.
 */
const REQUEST_ID = /^[\x20-\x7e]{1,128}$/;

/**
 * Ids of our own: this process's random prefix and a counter (`tb-3f9c2a71b0e4-1a`), unique across
 * instances and restarts without a UUID's cost on every request (about 0.4 µs here).
 */
const PREFIX = `tb-${randomBytes(6).toString('hex')}-`;
let counter = 0;

/** The request's id: the load balancer's `X-Request-Id` when it is acceptable, else a new one of ours. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
  counter++;
  return PREFIX + counter.toString(36);
}

/** The credentials of an app request, its username noted for the request's log line. */
export function loggedCredentials(req: FastifyRequest, fields: Fields): ReturnType<typeof credentials> {
  const c = credentials(fields);
  req.account = c.username;
  return c;
}

/** The completion line of a request: method, path (no query), status, duration, account, sms_id. */
export function completionFields(req: FastifyRequest, status: number, ms: number): Record<string, unknown> {
  const line: Record<string, unknown> = {
    method: req.method,
    path: pathOnly(req.url),
    status,
    ms: Math.round(ms),
  };
  if (req.account !== undefined && status !== 401) line['account'] = req.account;
  if (req.smsId !== undefined) line['smsId'] = req.smsId;
  return line;
}
