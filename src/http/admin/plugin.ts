/**
 * The admin HTTP API under `/admin/v1` (docs/admin-api.md): JSON, bearer tokens, every route declared
 * with TypeBox schemas, from which @fastify/swagger writes the OpenAPI 3.1 document at
 * `/admin/v1/openapi.json` (https://spec.openapis.org/oas/v3.1.0). Registered in its own encapsulated
 * context: its body parsers, errors and token check do not touch the app's routes.
 */
import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance } from 'fastify';
import { badRequest } from '../../errors.js';
import { registerConsole } from '../console.routes.js';
import { mapError } from '../error-map.js';
import { registerAccountRoutes } from './accounts.routes.js';
import { requireAdminToken } from './auth.js';
import { registerCarrierRoutes } from './carriers.routes.js';
import type { AdminApiDeps } from './deps.js';
import { registerImportRoute } from './import.routes.js';
import { registerMessageRoutes } from './messages.routes.js';
import { registerMetaRoutes } from './meta.routes.js';
import { registerStatsRoutes } from './stats.routes.js';
import { registerWebhookRoutes } from './webhooks.routes.js';

export const ADMIN_PREFIX = '/admin/v1';

/**
 * Fastify's validator options for a server that carries the admin API. Fastify's default removes
 * unknown body fields silently (https://fastify.dev/docs/latest/Reference/Validation-and-Serialization/#validator-compiler):
 * a misspelt `displayname` would be dropped and the call answered 200; here it is a 400 instead.
 */
export const ADMIN_AJV = { customOptions: { removeAdditional: false } } as const;

/** Register the admin API on `app` under `/admin/v1`, and the web console at `/console`. */
export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): void {
  app.register(
    async (api) => {
      api.removeAllContentTypeParsers();
      api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
        if (body === '') return done(null, undefined);
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(badRequest('The body is not valid JSON'), undefined);
        }
      });
      api.setErrorHandler((err: FastifyError, req, reply) => {
        if (err.validation) {
          return reply.code(400).send({ message: `Invalid request: ${err.message}` });
        }
        const mapped = mapError(err);
        if (mapped.internal) req.log.error({ err }, 'admin request failed');
        return reply.code(mapped.status).send({ message: mapped.message });
      });
      api.setNotFoundHandler((_req, reply) =>
        reply.code(404).send({ message: 'No such admin route (see /admin/v1/openapi.json)' }),
      );
      await api.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: 'textbridge admin API',
            version: deps.version,
            description: 'Accounts, messages and the state of a textbridge service (docs/admin-api.md).',
          },
          components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
          security: [{ bearer: [] }],
        },
      });
      requireAdminToken(api, deps);
      api.get(
        '/openapi.json',
        { schema: { tags: ['meta'], summary: 'This API as an OpenAPI 3.1 document' } },
        async () => api.swagger(),
      );
      registerAccountRoutes(api, deps);
      registerImportRoute(api, deps);
      registerMessageRoutes(api, deps);
      registerWebhookRoutes(api, deps);
      registerCarrierRoutes(api, deps);
      registerStatsRoutes(api, deps);
      registerMetaRoutes(api, deps);
    },
    { prefix: ADMIN_PREFIX },
  );
  registerConsole(app, deps.consoleDir);
}
