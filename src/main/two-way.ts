/**
 * Composition of two-way messaging (issue #4), split from `main/service.ts` like `main/delivery.ts`: the
 * two-way store, inbound storage, the push job handler and the Fetch / push-token use-cases.
 */
import type { Logger } from 'pino';
import type { Authenticate } from '../app/authenticate.js';
import { dispositionNotice } from '../app/dispositions.js';
import { type FetchMessages, makeFetchMessages } from '../app/fetch-messages.js';
import { type Inbound, makeInbound } from '../app/inbound.js';
import type { Clock, JobHandler, JobKind, NewMessage } from '../app/ports.js';
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
import { makePartStore } from '../store/adapters/inbound-parts.js';
import type { Store } from '../store/adapters/store.js';
import { makeTwoWayStore } from '../store/adapters/two-way.js';

export interface TwoWay {
  /** Jobs enqueued with every message that lands in an inbox: `['push']` when push is on. */
  inboxJobs: readonly JobKind[];
  /**
   * The same for one on-net recipient, on the Send Message hot path: `['push']` only when push is on
   * and the account has a device with a token. A push job for an account without devices would cost
   * a claim, a load and a delete (about half the work of an on-net send) to push nothing. A device
   * that reports its first token while the message is being sent misses that one push; the app
   * fetches when it comes to the foreground anyway.
   */
  inboxJobsFor: (accountId: number) => Promise<readonly JobKind[]>;
  /** Handlers for the dispatcher. */
  jobHandlers: Partial<Record<JobKind, JobHandler>>;
  /** Stores a carrier's inbound messages and parts (webhooks, and SMPP MO via CarrierEvents). */
  inbound: Inbound;
  /** Set by the composition root once the dispatcher runs: a new inbox message wakes it. */
  wake: () => void;
  /**
   * After an on-net Send Message: the message is in the recipient's inbox, so a sender who asked for
   * `positive-delivery` gets the delivery notification now. Never throws (the message is stored;
   * failing the send would make the app send it twice): a failure is logged.
   */
  onNetSent: (sent: { smsId: number; message: NewMessage }) => Promise<void>;
}

/** `inboxJobsFor` with push off: one resolved promise for every on-net send. */
const NO_JOBS: Promise<readonly JobKind[]> = Promise.resolve([]);

/** The parts that need no HTTP: used by both `serve` and `worker`. */
export function composeTwoWay(config: Config, store: Store, clock: Clock, logger: Logger): TwoWay {
  const twoWay = makeTwoWayStore(store, clock);
  const inboxJobs: readonly JobKind[] = config.push.enabled ? ['push'] : [];
  const jobHandlers: Partial<Record<JobKind, JobHandler>> = {};
  if (config.push.enabled) {
    jobHandlers.push = makePushHandler({
      store: twoWay,
      gateway: makePnmGateway({ url: config.push.url, timeoutMs: config.push.timeoutMs }),
      clock,
      options: config.push,
      onPushError: (info) => logger.warn(info, 'push failed'),
    });
  }
  const tw: TwoWay = {
    inboxJobs,
    inboxJobsFor: (accountId) =>
      inboxJobs.length === 0 ? NO_JOBS : twoWay.hasDevices(accountId).then((has) => (has ? inboxJobs : [])),
    jobHandlers,
    wake: () => {},
    onNetSent: async ({ smsId, message }) => {
      const notice = dispositionNotice({ id: smsId, ...message }, 'delivered', clock.now());
      if (!notice) return;
      try {
        const { duplicate } = await twoWay.storeKeyed(notice.message, notice.key, inboxJobs);
        if (!duplicate) tw.wake();
      } catch (err) {
        logger.error({ err, smsId }, 'storing an on-net delivery notification failed');
      }
    },
    inbound: makeInbound({
      accounts: store,
      inbox: twoWay,
      parts: makePartStore(store),
      jobs: inboxJobs,
      clock,
      // Late-bound: the dispatcher starts after this is built.
      outbox: { wake: () => tw.wake() },
      log: logger.child({ component: 'inbound' }),
    }),
  };
  return tw;
}

/** The app-facing use-cases of issue #4, for the HTTP edge. */
export function twoWayHandlers(
  config: Config,
  store: Store,
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
  const twoWay = makeTwoWayStore(store, clock);
  const fetchMessages = makeFetchMessages({
    authenticate,
    store: twoWay,
    clock,
    options: { pageSize: config.limits.fetchPageSize },
    jobs: tw.inboxJobs,
  });
  return {
    fetchMessages: async (credentials, readRequest) => {
      const r = await fetchMessages(credentials, readRequest);
      if (r.relayed > 0) tw.wake();
      return r;
    },
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
