/**
 * Logging rules for the HTTP edge. The app's GET template puts the password (and the text) in the
 * query string (send_message doc), and Fastify's default request log writes the full URL,
 * so we never log a query string: requests are logged once, on completion, as method + path + status.
 * Bodies are never logged.
 */
import type { FastifyRequest } from 'fastify';

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
