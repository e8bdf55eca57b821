/** `GET /admin/v1/webhooks/refused`: the last inbound carrier webhooks refused or ignored, newest first. */
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { AdminApiDeps } from './deps.js';
import { answers } from './schemas.js';

const Query = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) });
const Refused = Type.Object({
  webhooks: Type.Array(
    Type.Object({
      carrier: Type.String({ description: 'The carrier name in the path (/inbound/<carrier>).' }),
      at: Type.String({ description: 'When (RFC 3339).' }),
      reason: Type.String(),
      excerpt: Type.String({ description: 'Method, path and the start of the body, masked.' }),
    }),
  ),
});

export function registerWebhookRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(
    '/webhooks/refused',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The last inbound carrier webhooks refused or ignored (the newest 1,000 are kept)',
        querystring: Query,
        response: answers({ 200: Refused }),
      },
    },
    async (req) => {
      const { limit } = req.query as Static<typeof Query>;
      const rows = await deps.refusedWebhooks.recent(limit);
      return { webhooks: rows.map((w) => ({ ...w, at: new Date(w.at).toISOString() })) };
    },
  );
}
