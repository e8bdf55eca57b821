/** `GET /admin/v1/stats/messages`: messages per minute by direction and status, for charts. */
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { badRequest } from '../../errors.js';
import type { AdminApiDeps } from './deps.js';
import { answers } from './schemas.js';

const Query = Type.Object({
  since: Type.String({ description: 'From (inclusive, RFC 3339).' }),
  until: Type.Optional(
    Type.String({ description: 'To (exclusive, RFC 3339); default now. At most 7 days after since.' }),
  ),
});
const Stats = Type.Object({
  minutes: Type.Array(
    Type.Object({
      minute: Type.String({ description: "The minute's start (RFC 3339)." }),
      direction: Type.String({ description: 'inbound, outbound or on-net.' }),
      status: Type.String({
        description: 'The outcome so far: queued, sent, delivered, failed, received, …',
      }),
      count: Type.Integer(),
    }),
  ),
});

export function registerStatsRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(
    '/stats/messages',
    {
      schema: {
        tags: ['stats'],
        summary: 'Messages per minute by direction and status (minutes without messages are left out)',
        querystring: Query,
        response: answers({ 200: Stats }),
      },
    },
    async (req) => {
      const q = req.query as Static<typeof Query>;
      const since = Date.parse(q.since);
      const until = q.until === undefined ? deps.clock.now() : Date.parse(q.until);
      if (Number.isNaN(since) || Number.isNaN(until)) throw badRequest('since and until are RFC 3339 times');
      return { minutes: await deps.messageStats(since, until) };
    },
  );
}
