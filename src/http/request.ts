/** Reading an app request: query + body merged, whatever the Content-Type (protocol/acrobits). */
import type { FastifyRequest } from 'fastify';
import { type Fields, mergeFields, parseBody, parseQuery } from '../protocol/acrobits/fields.js';

export function requestFields(req: FastifyRequest): Fields {
  const body = Buffer.isBuffer(req.body) ? req.body : undefined;
  return mergeFields(parseQuery(req.url), parseBody(body, req.headers['content-type']));
}
