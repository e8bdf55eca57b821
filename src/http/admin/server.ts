/**
 * The admin listener (`server.adminPort`): a second Fastify instance, on loopback by default, that
 * serves only the admin API, so it can be kept off the public network while the app's port is open.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { pathOnly, serializers } from '../logging.js';
import { type MetricsRouteOptions, registerMetricsRoute } from '../metrics.routes.js';
import type { AdminApiDeps } from './deps.js';
import { ADMIN_AJV, registerAdminApi } from './plugin.js';

/** The admin listener's deadline for one whole request. */
export const ADMIN_REQUEST_TIMEOUT_MS = 600_000;

export function buildAdminServer(
  deps: AdminApiDeps,
  logger: Logger,
  trustProxy: boolean,
  metrics?: MetricsRouteOptions,
): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ listener: 'admin' }, { serializers }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy,
    exposeHeadRoutes: false,
    // Node's deadline for a whole request (https://nodejs.org/api/http.html#serverrequesttimeout) would
    // cut a bulk import that is read only as fast as it is stored: allow an upload ten minutes here.
    requestTimeout: ADMIN_REQUEST_TIMEOUT_MS,
    ajv: ADMIN_AJV,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info(
      {
        method: req.method,
        path: pathOnly(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });
  registerAdminApi(app, deps);
  if (metrics) registerMetricsRoute(app, metrics);
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ message: 'Not found' }));
  return app;
}
