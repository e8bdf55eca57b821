/** `GET /admin/v1/carriers`: each carrier's link, recent submits and failures, last error; the queue. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AdminApiDeps } from './deps.js';
import { answers } from './schemas.js';

const Window = Type.Object({ last5m: Type.Integer(), last15m: Type.Integer() });
const Time = Type.Union([Type.String(), Type.Null()]);
const State = Type.Object({
  carriers: Type.Array(
    Type.Object({
      name: Type.String(),
      link: Type.String({ description: 'up, connecting, down, or none (no lasting connection).' }),
      submits: Window,
      failures: Window,
      lastError: Type.Union([Type.String(), Type.Null()]),
      lastErrorAt: Time,
    }),
  ),
  queue: Type.Object({ due: Type.Integer(), oldestDueAt: Time }),
});

export function registerCarrierRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(
    '/carriers',
    {
      schema: {
        tags: ['carriers'],
        summary: "Each carrier's state and the deliver queue",
        response: answers({ 200: State }),
      },
    },
    async () => deps.carrierState(deps.links()),
  );
}
