/**
 * Composition of the metrics: one registry per service, the counting decorators around the ports,
 * and who may read `GET /metrics` on the main port (docs/operations.md).
 */
import type { AdminTokens } from '../app/admin-tokens.js';
import type { CarrierAdapter, Clock } from '../app/ports.js';
import type { Config } from '../config/index.js';
import type { MetricsRouteOptions } from '../http/metrics.routes.js';
import { bearerToken } from '../http/metrics.routes.js';
import { bearerOf } from '../http/request.js';
import { countSubmits } from '../metrics/decorators.js';
import { type Metrics, makeMetrics } from '../metrics/registry.js';
import type { CarrierGauge } from '../metrics/scrape.js';
import type { Db } from '../store/engine/db.js';
import { outboxStates } from '../store/sql/outbox-stats.js';

export type { Metrics } from '../metrics/registry.js';

/** The service's registry; carrier labels are the configured carriers' names. */
export function composeMetrics(config: Pick<Config, 'carriers'>, version: string): Metrics {
  return makeMetrics({ version, carriers: config.carriers.map((c) => c.name) });
}

/** `/metrics` on the main port: only with `metrics.token`, which the request must bring as a bearer token. */
export function mainPortMetrics(
  config: Pick<Config, 'metrics'>,
  metrics: Metrics,
): MetricsRouteOptions | undefined {
  if (config.metrics.token === '') return undefined;
  return { registry: metrics.registry, authorize: bearerToken(config.metrics.token) };
}

/**
 * `/metrics` on the admin listener: any admin token (read-only is enough) or `metrics.token`, so the
 * scraper needs no admin rights and an operator's token works too.
 */
export function adminListenerMetrics(
  config: Pick<Config, 'metrics'>,
  metrics: Metrics,
  tokens: Pick<AdminTokens, 'verify'>,
): MetricsRouteOptions {
  const scrapeToken = config.metrics.token === '' ? undefined : bearerToken(config.metrics.token);
  return {
    registry: metrics.registry,
    authorize: async (req) => {
      if (scrapeToken?.(req)) return true;
      const token = bearerOf(req);
      return token !== undefined && (await tokens.verify(token)) !== undefined;
    },
  };
}

/** Each carrier with its submits counted; the same map when there are no metrics. */
export function countedCarriers(
  carriers: Map<string, CarrierAdapter>,
  metrics: Metrics | undefined,
): Map<string, CarrierAdapter> {
  if (!metrics) return carriers;
  return new Map([...carriers].map(([name, c]) => [name, countSubmits(c, metrics)]));
}

/** What the scrape reads of the carriers: link state, submits awaiting an answer, window size. */
export function carrierGauges(carriers: Iterable<CarrierAdapter>): CarrierGauge[] {
  return [...carriers].map((c) => ({
    name: c.name,
    link: c.link?.() ?? 'none',
    inFlight: c.inFlight?.(),
    window: c.window,
  }));
}

/** The outbox, read by one grouped query per scrape. */
export function outboxSource(db: Db, clock: Clock) {
  return () => outboxStates(db.kysely, clock.now());
}
