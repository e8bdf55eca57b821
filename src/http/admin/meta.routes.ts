/**
 * `GET /admin/v1/whoami` (the caller's token: its name and whether it is read-only, so the console
 * can hide what the API would refuse) and `GET /admin/v1/config` (the effective configuration with
 * every secret masked, as `textbridge config check` prints it).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AdminApiDeps } from './deps.js';
import { answers } from './schemas.js';

const Caller = Type.Object({ name: Type.String(), readOnly: Type.Boolean() });
const Settings = Type.Object({
  config: Type.Object({}, { additionalProperties: true, description: 'Secrets shown as ********.' }),
});

export function registerMetaRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(
    '/whoami',
    { schema: { tags: ['meta'], summary: "The caller's token", response: answers({ 200: Caller }) } },
    async (req) => ({ name: req.adminCaller?.name ?? '', readOnly: req.adminCaller?.readOnly ?? true }),
  );
  app.get(
    '/config',
    {
      schema: {
        tags: ['meta'],
        summary: 'The effective configuration, secrets masked',
        response: answers({ 200: Settings }),
      },
    },
    async () => ({ config: deps.maskedConfig?.() ?? {} }),
  );
}
