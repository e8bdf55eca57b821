/**
 * Composition of two-way messaging (issue #4), split from `main/service.ts` like `main/delivery.ts`: the
 * two-way store, inbound storage, the push job handler and the Fetch / push-token use-cases.
 */
import type { Logger } from 'pino';
import type { Authenticate } from '../app/authenticate.js';
import { type FetchMessages, makeFetchMessages } from '../app/fetch-messages.js';
import { makeReceiveInbound, type ReceiveInbound } from '../app/inbound.js';
import type { Clock, JobHandler, JobKind } from '../app/ports.js';
import { makePushHandler } from '../app/push.js';
import {
  makeReportAccountRemoval,
  makeReportPushToken,
  type ReportAccountRemoval,
  type ReportPushToken,
} from '../app/push-tokens.js';
import { type ApplyReceipt, type HandleReceipt, makeHandleReceipt } from '../app/receipts-relay.js';
import { makePnmGateway } from '../carriers/push/pnm.js';
import type { Config } from '../config/index.js';
import type { Store } from '../store/adapters/store.js';
import { makeTwoWayStore, type TwoWayStore } from '../store/adapters/two-way.js';
import type { DeliveryOptions } from './delivery.js';

export interface TwoWay {
  /** The two-way store (Fetch, push tokens, inbox, receipts lookup), built once. */
  store: TwoWayStore;
  /** Release the push service's connections; after the dispatcher has stopped. */
  close(): Promise<void>;
  /** Jobs enqueued with every message that lands in an inbox: `['push']` when push is on. */
  inboxJobs: readonly JobKind[];
  /** Handlers for the dispatcher. */
  jobHandlers: Partial<Record<JobKind, JobHandler>>;
  /** Stores a carrier's inbound message (webhooks, and SMPP MO via CarrierEvents.inbound). */
  receiveInbound: ReceiveInbound;
  /** Set by the composition root once the dispatcher runs: a new inbox message wakes it. */
  wake: () => void;
}

/** The parts that need no HTTP: used by both `serve` and `worker`. */
export function composeTwoWay(config: Config, store: Store, clock: Clock, logger: Logger): TwoWay {
  const twoWay = makeTwoWayStore(store, clock);
  const inboxJobs: readonly JobKind[] = config.push.enabled ? ['push'] : [];
  const jobHandlers: Partial<Record<JobKind, JobHandler>> = {};
  const gateway = config.push.enabled
    ? makePnmGateway({ url: config.push.url, timeoutMs: config.push.timeoutMs })
    : undefined;
  if (gateway) {
    jobHandlers.push = makePushHandler({
      store: twoWay,
      gateway,
      clock,
      options: config.push,
      onPushError: (info) => logger.warn(info, 'push failed'),
    });
  }
  const storeInbound = makeReceiveInbound({
    accounts: store,
    inbox: twoWay,
    jobs: inboxJobs,
    onRefused: (m, reason) =>
      logger.warn({ carrier: m.carrier, ref: m.carrierRef, to: m.to, reason }, 'inbound refused'),
  });
  const tw: TwoWay = {
    store: twoWay,
    close: async () => {
      await gateway?.close?.();
    },
    inboxJobs,
    jobHandlers,
    wake: () => {},
    receiveInbound: async (m, media) => {
      const r = await storeInbound(m, media);
      if (r.stored) tw.wake();
      return r;
    },
  };
  return tw;
}

/** The app-facing use-cases of issue #4, for the HTTP edge. */
export function twoWayHandlers(
  config: Config,
  store: Store,
  clock: Clock,
  authenticate: Authenticate,
  applyReceipt: ApplyReceipt,
  tw: TwoWay,
): {
  fetchMessages: FetchMessages;
  reportPushToken: ReportPushToken;
  reportAccountRemoval: ReportAccountRemoval;
  handleReceipt: HandleReceipt;
} {
  const twoWay = tw.store;
  const handleReceipt = makeHandleReceipt({
    applyReceipt,
    lookup: twoWay,
    inbox: twoWay,
    jobs: tw.inboxJobs,
    clock,
  });
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
    handleReceipt: async (r) => {
      const out = await handleReceipt(r);
      if (out.relayed) tw.wake();
      return out;
    },
  };
}

/** What two-way messaging hands the delivery engine: SMPP MO storage, push jobs, bounce pushes. */
export function deliveryOptions(tw: TwoWay, logger: Logger): Partial<DeliveryOptions> {
  return {
    onInbound: (m) => {
      tw.receiveInbound(m).catch((err: unknown) =>
        logger.error({ err, carrier: m.carrier, ref: m.carrierRef }, 'storing an inbound SMS failed'),
      );
    },
    handlers: tw.jobHandlers,
    bounceJobs: tw.inboxJobs,
  };
}
