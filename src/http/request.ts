/** Reading an app request: query + body merged, whatever the Content-Type (protocol/acrobits). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Fields, mergeFields, parseBody, parseQuery } from '../protocol/acrobits/fields.js';

/** The Content-Type each request arrived with, while `sniffEveryBody` has replaced it. */
const sentContentType = new WeakMap<FastifyRequest, string>();

/**
 * Every body is read as bytes and sniffed (`parseBody`), so no Content-Type may stop it: Fastify answers
 * 415 to a value that is not `type/subtype` (empty, `; charset=utf-8`, `utf-8`, `text/`) before any
 * parser runs. While the body is read the header says `application/octet-stream` (which the catch-all
 * parser takes); once it is read, the header is what the client sent again, for every route.
 */
export function sniffEveryBody(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const sent = req.headers['content-type'];
    if (sent !== undefined) {
      sentContentType.set(req, sent);
      req.headers['content-type'] = 'application/octet-stream';
    }
    done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    const sent = sentContentType.get(req);
    if (sent !== undefined) req.headers['content-type'] = sent;
    done();
  });
}

export function requestFields(req: FastifyRequest): Fields {
  const body = Buffer.isBuffer(req.body) ? req.body : undefined;
  return mergeFields(parseQuery(req.url), parseBody(body, req.headers['content-type']));
}
