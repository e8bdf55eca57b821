/** Reading an app request: query + body merged, whatever the Content-Type (protocol/acrobits). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Fields, mergeFields, parseBody, parseQuery } from '../protocol/acrobits/fields.js';

/** The Content-Type a request arrived with, while `sniffEveryBody` has replaced it. */
const SENT = Symbol('sent content-type');
type Marked = FastifyRequest & { [SENT]?: string };

/** `type/subtype`, then the end or parameters: what Fastify takes without a 415 of its own. */
const MEDIA_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(?:;|$)/;

/**
 * Every body is read as bytes and sniffed (`parseBody`), so no Content-Type may stop it: Fastify answers
 * 415 to a value that is not `type/subtype` (empty, `; charset=utf-8`, `utf-8`, `text/`) before any
 * parser runs. Such a value is replaced by `application/octet-stream` (which the catch-all parser takes)
 * while the body is read, and put back once it is read, for every route. A well-formed value is left
 * alone: one regular expression test per request that has a Content-Type at all.
 */
export function sniffEveryBody(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const sent = req.headers['content-type'];
    if (sent !== undefined && !MEDIA_TYPE.test(sent)) {
      (req as Marked)[SENT] = sent;
      req.headers['content-type'] = 'application/octet-stream';
    }
    done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const sent = (req as Marked)[SENT];
    if (sent !== undefined) req.headers['content-type'] = sent;
    done();
  });
}

export function requestFields(req: FastifyRequest): Fields {
  const body = Buffer.isBuffer(req.body) ? req.body : undefined;
  return mergeFields(parseQuery(req.url), parseBody(body, req.headers['content-type']));
}

/**
 * The scheme and host the outside world reaches this service at: the configured public URL, or else
 * the request's own scheme and `Host` (wrong behind a proxy that rewrites either: configure it there).
 */
export function publicBase(req: FastifyRequest, configured: string): string {
  return configured || `${req.protocol}://${req.host}`;
}

/** The token of `Authorization: Bearer <token>` (RFC 6750 section 2.1), or undefined. */
export function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] : undefined;
}
