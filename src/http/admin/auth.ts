/**
 * Every admin call carries `Authorization: Bearer <token>` (RFC 6750,
 * https://www.rfc-editor.org/rfc/rfc6750#section-2.1). No token or an unknown one: 401; a read-only
 * token on anything but GET or HEAD: 403. Failed checks are counted per client address, as the app's
 * logins are (app/throttle.ts), and past the limit the address gets 429 until its window ends.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminCaller } from '../../app/admin-tokens.js';
import { FailureThrottle } from '../../app/throttle.js';
import { forbidden, throttled, unauthorized } from '../../errors.js';
import { bearerOf } from '../request.js';
import type { AdminApiDeps } from './deps.js';

const READS = new Set(['GET', 'HEAD']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The admin token's owner, once checked. */
    adminCaller?: AdminCaller;
  }
}

export function requireAdminToken(app: FastifyInstance, deps: AdminApiDeps): void {
  const throttle = new FailureThrottle(deps.maxFailuresPerAddress, deps.failureWindowMs, () =>
    deps.clock.now(),
  );
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const key = `admin:${req.ip}`;
    if (throttle.isBlocked(key)) throw throttled('Too many failed token checks, try again later');
    const token = bearerOf(req);
    if (token === undefined) {
      reply.header('www-authenticate', 'Bearer realm="textbridge-admin"');
      throw unauthorized('An admin token is required: Authorization: Bearer <token>');
    }
    const caller = await deps.tokens.verify(token);
    if (!caller) {
      throttle.fail(key);
      reply.header('www-authenticate', 'Bearer realm="textbridge-admin", error="invalid_token"');
      throw unauthorized('The admin token is not valid (unknown or revoked)');
    }
    throttle.reset(key);
    if (caller.readOnly && !READS.has(req.method)) {
      throw forbidden(`The admin token ${caller.name} is read-only`);
    }
    req.adminCaller = caller;
  });
}
