/**
 * `GET /metrics` in the Prometheus text format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). A function any Fastify instance can
 * mount: the main listener (only with `metrics.token`) and an admin listener, each with its own rule
 * for who may read it. A refusal is the catalogue's 401 with a message, mapped by the instance's own
 * error handler.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.js';
import { bearerOf } from './request.js';

/** What the route renders: a prom-client `Registry` fits. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsRouteOptions {
  registry: MetricsSource;
  /** May this request read the metrics? */
  authorize: (req: FastifyRequest) => boolean | Promise<boolean>;
}

export function registerMetricsRoute(
  app: FastifyInstance,
  { registry, authorize }: MetricsRouteOptions,
): void {
  app.get('/metrics', async (req, reply) => {
    if (!(await authorize(req))) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw unauthorized('Metrics need the bearer token: send Authorization: Bearer <metrics.token>');
    }
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}

/**
 * A check of `Authorization: Bearer <token>` against one secret, in constant time: both sides are
 * hashed first, so neither the comparison nor its length check depends on where they differ.
 */
export function bearerToken(secret: string): (req: FastifyRequest) => boolean {
  const want = sha256(secret);
  return (req) => {
    const token = bearerOf(req);
    return token !== undefined && timingSafeEqual(sha256(token), want);
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
