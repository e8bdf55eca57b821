/** `GET /admin/v1/carriers`: each carrier's link, window in use, recent submits and failures, last error; the queue. */
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
      window: Type.Union([
        Type.Object({
          size: Type.Integer({ description: 'Most submits awaiting an answer at once (SMPP `window`).' }),
          inFlight: Type.Integer({
            description: "Submits awaiting the carrier's answer now, in this process.",
          }),
        }),
        Type.Null({ description: 'No window (an HTTP carrier), or not running in this process.' }),
      ]),
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
