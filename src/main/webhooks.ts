/**
 * Composition of event webhooks (docs/webhooks.md): the recorder the store adapters call in the
 * transactions of messages' changes, and the `webhook` job handler with its gateway. Used by `serve`
 * and `worker` alike, through `main/two-way.ts` and `main/delivery.ts`.
 */
import type { Logger } from 'pino';
import type { Clock, JobHandler, JobKind, OutboxSignal } from '../app/ports.js';
import type { WebhookAttempt } from '../app/webhook-job.js';
import { makeWebhookHandler } from '../app/webhook-job.js';
import { makeWebhookGateway } from '../carriers/events/gateway.js';
import type { Config } from '../config/index.js';
import {
  type EventRecorder,
  makeEventRecorder,
  makeWebhookEventStore,
} from '../store/adapters/webhook-events.js';
import type { Db } from '../store/engine/db.js';
import { VERSION } from './version.js';

export interface Webhooks {
  recorder: EventRecorder;
  handlers: Partial<Record<JobKind, JobHandler>>;
  close(): Promise<void>;
}

/** The recorder, and the job handler when an endpoint is configured. */
export function composeWebhooks(
  config: Pick<Config, 'webhooks' | 'webhookDelivery'>,
  db: Db,
  clock: Clock,
  logger: Logger,
  outbox: OutboxSignal,
): Webhooks {
  const recorder = makeEventRecorder(config.webhooks);
  if (config.webhooks.length === 0) return { recorder, handlers: {}, close: async () => {} };
  const gateway = makeWebhookGateway(`textbridge/${VERSION}`);
  const log = logger.child({ component: 'webhooks' });
  const d = config.webhookDelivery;
  const webhook = makeWebhookHandler({
    endpoints: config.webhooks,
    store: makeWebhookEventStore(db, clock),
    gateway,
    retry: { maxAttempts: d.maxAttempts, maxAgeMs: d.maxAgeMs, baseMs: d.baseMs, maxMs: d.maxMs },
    clock,
    outbox,
    onAttempt: (a) => logAttempt(log, a),
  });
  return { recorder, handlers: { webhook }, close: async () => gateway.close?.() };
}

/** Each delivery attempt, one log line: ids, endpoint, answer, never the body or the URL. */
function logAttempt(log: Logger, a: WebhookAttempt): void {
  if (a.outcome === 'delivered') log.info(a, 'event webhook delivered');
  else if (a.outcome === 'retry') log.warn(a, 'event webhook not delivered; retrying');
  else log.warn(a, 'event webhook given up');
}
