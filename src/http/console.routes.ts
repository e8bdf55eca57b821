/**
 * `/console`: the web console's built files (`dist/console`, made by `npm run build`), served wherever
 * the admin API is. The files are read once when the server starts (the build is a few small files)
 * and answered from memory. The page itself holds nothing secret: it signs in with a token the
 * operator types and calls `/admin/v1` with it.
 *
 * Caching (https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2): the build names its scripts and
 * styles by a hash of their content, so they never change under one name and are `immutable`; the
 * page that names them is `no-cache`, so a new build is seen at once. The Content-Security-Policy
 * (https://www.w3.org/TR/CSP3/) allows only this origin: no inline script, no outside host.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PREFIX = '/console';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

interface File {
  body: Buffer;
  type: string;
  cache: string;
}

/** Every file under `dir`, by its path below it (`index.html`, `assets/index-1a2b3c.js`). */
function readBuild(dir: string): Map<string, File> {
  const files = new Map<string, File>();
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? e.name : `${sub}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else
        files.set(rel, {
          body: readFileSync(path.join(dir, rel)),
          type: TYPES[path.extname(e.name)] ?? 'application/octet-stream',
          cache: rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
    }
  };
  walk('');
  return files;
}

function send(reply: FastifyReply, file: File) {
  return reply
    .header('content-type', file.type)
    .header('cache-control', file.cache)
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(file.body);
}

/** Serve the console built in `dir`; without a build, `/console` says how to make one. */
export function registerConsole(app: FastifyInstance, dir: string | undefined): void {
  const files = dir !== undefined && existsSync(path.join(dir, 'index.html')) ? readBuild(dir) : undefined;
  const index = files?.get('index.html');
  const notBuilt = { message: 'The console is not built: run npm run build' };
  app.get(CONSOLE_PREFIX, async (_req, reply) =>
    index ? send(reply, index) : reply.code(404).send(notBuilt),
  );
  app.get(`${CONSOLE_PREFIX}/*`, async (req, reply) => {
    if (!files || !index) return reply.code(404).send(notBuilt);
    const rel = (req.params as { '*': string })['*'];
    const file = rel === '' ? index : files.get(rel);
    if (!file) return reply.code(404).send({ message: `No console file ${rel.slice(0, 100)}` });
    return send(reply, file);
  });
}
