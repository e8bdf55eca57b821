/**
 * Composition of two-way messaging, beside `main/delivery.ts`: the
 * two-way store, inbound storage, the push job handler and the Fetch / push-token use-cases.
 */
import type { Logger } from 'pino';
import type { Authenticate } from '../app/authenticate.js';
import { type FetchMessages, makeFetchMessages } from '../app/fetch-messages.js';
import { type Inbound, makeInbound } from '../app/inbound.js';
import type { Clock, JobHandler, JobKind } from '../app/ports.js';
import { makePushHandler } from '../app/push.js';
import {
  makeReportAccountRemoval,
  makeReportPushToken,
  type ReportAccountRemoval,
  type ReportPushToken,
} from '../app/push-tokens.js';
import type { HandleReceipt } from '../app/receipts.js';
import { type CarrierWebhooks, makeReceiveWebhook, type ReceiveWebhook } from '../app/receive-webhook.js';
import { makePnmGateway } from '../carriers/push/pnm.js';
import type { Config } from '../config/index.js';
import { countPushes } from '../metrics/decorators.js';
import { makePartStore } from '../store/adapters/inbound-parts.js';
import type { Store } from '../store/adapters/store.js';
import { makeTwoWayStore, type TwoWayStore } from '../store/adapters/two-way.js';
import type { DeliveryOptions } from './delivery.js';
import { composeInboundMedia } from './inbound-media.js';
import type { Metrics } from './metrics.js';
import { composeWebhooks } from './webhooks.js';

export interface TwoWay {
  /** The two-way store (Fetch, push tokens, inbox, receipts lookup), built once. */
  store: TwoWayStore;
  /** Release the push service's connections; after the dispatcher has stopped. */
  close(): Promise<void>;
  /** Jobs enqueued with every message that lands in an inbox: `['push']` when push is on. */
  inboxJobs: readonly JobKind[];
  /** Handlers for the dispatcher. */
  jobHandlers: Partial<Record<JobKind, JobHandler>>;
  /** Stores a carrier's inbound messages and parts (webhooks, and SMPP MO via CarrierEvents). */
  inbound: Inbound;
  /** Set by the composition root once the dispatcher runs: a new inbox message wakes it. */
  wake: () => void;
}

/** The parts that need no HTTP: used by both `serve` and `worker`. */
export function composeTwoWay(
  config: Config,
  store: Store,
  clock: Clock,
  logger: Logger,
  metrics?: Metrics,
): TwoWay {
  // Late-bound: the dispatcher starts after this is built.
  const outbox = { wake: () => tw.wake() };
  const hooks = composeWebhooks(config, store.db, clock, logger, outbox);
  const twoWay = makeTwoWayStore(store, clock, hooks.recorder);
  const inboxJobs: readonly JobKind[] = config.push.enabled ? ['push'] : [];
  const jobHandlers: Partial<Record<JobKind, JobHandler>> = { ...hooks.handlers };
  const pnm = config.push.enabled
    ? makePnmGateway({ url: config.push.url, timeoutMs: config.push.timeoutMs })
    : undefined;
  const gateway = pnm && metrics ? countPushes(pnm, metrics) : pnm;
  if (gateway) {
    jobHandlers.push = makePushHandler({
      store: twoWay,
      gateway,
      clock,
      options: config.push,
      onPushError: ({ messageId, ...info }) => logger.warn({ smsId: messageId, ...info }, 'push failed'),
      events: twoWay,
    });
  }
  const media = composeInboundMedia(config, store, twoWay, inboxJobs, outbox, clock, logger);
  if (media) jobHandlers['inbound-media'] = media.handler;
  const tw: TwoWay = {
    store: twoWay,
    close: async () => {
      await gateway?.close?.();
      await hooks.close();
      await media?.close();
    },
    inboxJobs,
    jobHandlers,
    wake: () => {},
    inbound: makeInbound({
      accounts: store,
      inbox: twoWay,
      parts: makePartStore(store, hooks.recorder),
      jobs: inboxJobs,
      clock,
      outbox,
      log: logger.child({ component: 'inbound' }),
      ...(media ? { held: media.held } : {}),
    }),
  };
  return tw;
}

/** The app-facing two-way use-cases (Fetch, push token reporters, webhooks), for the HTTP edge. */
export function twoWayHandlers(
  config: Config,
  clock: Clock,
  authenticate: Authenticate,
  handleReceipt: HandleReceipt,
  webhooks: CarrierWebhooks,
  tw: TwoWay,
  logger: Logger,
): {
  fetchMessages: FetchMessages;
  reportPushToken: ReportPushToken;
  reportAccountRemoval: ReportAccountRemoval;
  receiveWebhook: ReceiveWebhook;
} {
  const twoWay = tw.store;
  return {
    fetchMessages: makeFetchMessages({
      authenticate,
      store: twoWay,
      clock,
      options: { pageSize: config.limits.fetchPageSize },
      jobs: tw.inboxJobs,
      outbox: tw,
    }),
    reportPushToken: makeReportPushToken({ authenticate, store: twoWay, clock }),
    reportAccountRemoval: makeReportAccountRemoval({ authenticate, store: twoWay, clock }),
    receiveWebhook: makeReceiveWebhook({
      webhooks,
      inbound: tw.inbound,
      handleReceipt,
      log: logger.child({ component: 'webhooks' }),
    }),
  };
}

/** What two-way messaging hands the delivery engine: SMPP MO storage, push jobs, bounce pushes. */
export function deliveryOptions(tw: TwoWay): Omit<DeliveryOptions, 'runWorker'> {
  return {
    inbound: tw.inbound,
    handlers: tw.jobHandlers,
    bounceJobs: tw.inboxJobs,
  };
}
