/**
 * Media over HTTP: `PUT|POST /media/upload` (the app's upload service: the body is the file, streamed
 * to the store, never buffered) and `GET /media/<id>?exp=…&sig=…` (a signed, expiring download).
 * Credentials and the other fields come from the query string, with the same names and aliases as
 * Send Message (https://doc.acrobits.net/api/client/send_message.html); only raw bodies are accepted,
 * not multipart/form-data.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RangeRequest } from '../app/media.js';
import type { DownloadMedia, UploadMedia } from '../app/upload-media.js';
import { badRequest, methodNotAllowed, SmsError } from '../errors.js';
import { jsonError } from '../protocol/acrobits/errors.js';
import { mergeFields, parseQuery, pick } from '../protocol/acrobits/fields.js';
import type { SendError } from './acrobits.routes.js';
import { loggedCredentials } from './logging.js';
import { publicBase } from './request.js';

export interface MediaHandlers {
  uploadMedia: UploadMedia;
  downloadMedia: DownloadMedia;
  /** `media.publicUrl`, else `server.publicUrl`; empty = the request's own scheme and Host. */
  publicUrl: string;
}

const UPLOAD_METHODS = ['POST', 'PUT'];

export function registerMediaRoutes(app: FastifyInstance, h: MediaHandlers, sendError: SendError): void {
  // Its own context: a parser that leaves the body unread, so the handler streams it to the store.
  app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_req, _payload, done) => done(null));
    child.route({
      method: ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS'],
      url: '/media/upload',
      handler: async (req, reply) => {
        if (!UPLOAD_METHODS.includes(req.method)) {
          reply.header('allow', UPLOAD_METHODS.join(', '));
          return sendError(req, reply, methodNotAllowed(req.method));
        }
        const fields = mergeFields(parseQuery(req.url));
        const length = req.headers['content-length'];
        const up = await h
          .uploadMedia(
            { ...loggedCredentials(req, fields), ip: req.ip },
            {
              stream: req.raw,
              contentType: pick(fields, ['content_type']) ?? req.headers['content-type'],
              filename: pick(fields, ['filename']),
              declaredBytes: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
              base: publicBase(req, h.publicUrl),
            },
          )
          .catch((e: unknown) => {
            // The client hung up mid-body: its answer, not a failure of ours (the store kept nothing).
            throw e instanceof SmsError || req.raw.complete
              ? e
              : badRequest('Upload was interrupted before its end');
          });
        return reply.type('application/json; charset=utf-8').send({
          'content-url': up.url,
          'content-type': up.contentType,
          'content-size': up.size,
          ...(up.filename ? { filename: up.filename } : {}),
        });
      },
    });
  });

  app.get('/media/:id', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const q = parseQuery(req.url);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const file = await h.downloadMedia(
      req.params.id,
      str(q['exp']),
      str(q['sig']),
      readRange(req.headers.range),
    );
    const inline = /^(image|video|audio)\//.test(file.contentType);
    reply
      .header('content-type', file.contentType)
      .header('accept-ranges', 'bytes')
      .header('content-disposition', contentDisposition(inline, file.filename ?? file.id))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=3600');
    if (file.range === null) {
      file.stream.destroy();
      return reply
        .code(416)
        .header('content-range', `bytes */${file.size}`)
        .type('application/json; charset=utf-8')
        .send(jsonError('Range not satisfiable'));
    }
    if (file.range) {
      const { start, end } = file.range;
      reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
      return reply.header('content-length', String(end - start + 1)).send(file.stream);
    }
    return reply.header('content-length', String(file.size)).send(file.stream);
  });
}

/**
 * `inline`/`attachment` with the name twice (RFC 6266 section 4.3): an ASCII fallback, and the exact
 * name as UTF-8 percent-encoded (RFC 8187).
 */
export function contentDisposition(inline: boolean, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/**
 * A single `bytes=` range (RFC 9110 section 14.2); anything else (several ranges, other units, bad
 * syntax) is ignored, and the whole file is sent, as the RFC allows.
 */
export function readRange(header: string | undefined): RangeRequest | undefined {
  const m = header === undefined ? null : /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { suffix: Number(m[2]) };
  return m[2] === '' ? { first: Number(m[1]) } : { first: Number(m[1]), last: Number(m[2]) };
}
