/**
 * Composition root: config → store → use-cases → HTTP (and, later, the delivery worker). Wired by hand,
 * no container, no import side effects (STYLE.md habit 6).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { makeAuthenticate } from './app/authenticate.js';
import { makeFetchMessages } from './app/fetch-messages.js';
import { makeReceiveInbound, type ReceiveInbound } from './app/inbound.js';
import { type Clock, type JobHandler, type JobKind, systemClock } from './app/ports.js';
import { makePushHandler } from './app/push.js';
import { makeReportAccountRemoval, makeReportPushToken } from './app/push-tokens.js';
import { type ApplyReceipt, makeHandleReceipt } from './app/receipts-relay.js';
import { makeSendMessage } from './app/send-message.js';
import { makeWebhooks } from './carriers/webhooks/registry.js';
import type { Config } from './config.js';
import { buildServer } from './http/server.js';
import { makePnmGateway } from './push/pnm.js';
import { type Db, openDb } from './store/db.js';
import { makeStore } from './store/index.js';
import { makeJobQueue } from './store/job-queue.js';
import { migrate } from './store/migrations/index.js';
import { makeTwoWayStore } from './store/two-way.js';
import { type Dispatcher, startDispatcher } from './worker/dispatcher.js';

/** The process logger: JSON lines; no request ever logs its query string or body (http/logging.ts). */
export function makeLogger(config: Pick<Config, 'log'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.log.level, base: { service: 'textbridge' } }, destination);
}

/** Open the configured database and bring its schema up to date. */
export async function openStore(config: Config): Promise<Db> {
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

export interface Service {
  app: FastifyInstance;
  db: Db;
  /** Stores a carrier's inbound message (SMPP deliver_sm MO reaches it through CarrierEvents.inbound). */
  receiveInbound: ReceiveInbound;
  /** Job handlers by kind, for the dispatcher. */
  jobHandlers: Partial<Record<JobKind, JobHandler>>;
  /** `http://host:port` once listening. */
  url: string;
  close(): Promise<void>;
}

/** Start the HTTP service on the configured host and port. */
export async function startService(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<Service> {
  let ready = false;
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = makeStore(db, clock);
  const authenticate = makeAuthenticate(store, clock, config.auth);
  const twoWay = makeTwoWayStore(store, clock);
  // A message that lands in an inbox gets a push job when push is on (docs/two-way.md).
  const inboxJobs: readonly JobKind[] = config.push.enabled ? ['push'] : [];
  // Started after migration; producers in this process wake it so a push leaves at once, not at the poll.
  let dispatcher: Dispatcher | undefined;
  const stopWorker = new AbortController();
  const wake = () => dispatcher?.wake();
  const storeInbound = makeReceiveInbound({
    accounts: store,
    inbox: twoWay,
    jobs: inboxJobs,
    onRefused: (m, reason) =>
      logger.warn({ carrier: m.carrier, ref: m.carrierRef, to: m.to, reason }, 'inbound refused'),
  });
  const receiveInbound: ReceiveInbound = async (m, media) => {
    const r = await storeInbound(m, media);
    if (r.stored) wake();
    return r;
  };
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
  const sendOnce = makeSendMessage({
    authenticate,
    accounts: store,
    messages: store,
    options: {
      rates: config.rates,
      maxBodyBytes: config.limits.maxBodyBytes,
      recipients: config.recipients,
      onNetJobs: inboxJobs,
    },
  });
  const sendMessage: typeof sendOnce = async (credentials, readRequest) => {
    const r = await sendOnce(credentials, readRequest);
    if (r.onNet) wake();
    return r;
  };
  // TODO(merge wt-delivery): the delivery engine's applyReceipt (src/app/receipts.ts).
  const applyReceipt: ApplyReceipt = async () => ({ matched: false });
  const handleReceipt = makeHandleReceipt({
    applyReceipt,
    lookup: twoWay,
    inbox: twoWay,
    jobs: inboxJobs,
    clock,
  });
  const app = buildServer({
    options: {
      errorFormat: config.errorFormat,
      maxUrlBytes: config.server.maxUrlBytes,
      maxBodyBytes: config.limits.maxBodyBytes,
      trustProxy: config.server.trustProxy,
    },
    logger,
    handlers: {
      sendMessage,
      fetchMessages: makeFetchMessages({
        authenticate,
        store: twoWay,
        clock,
        options: { pageSize: config.limits.fetchPageSize },
      }),
      reportPushToken: makeReportPushToken({ authenticate, store: twoWay, clock }),
      reportAccountRemoval: makeReportAccountRemoval({ authenticate, store: twoWay, clock }),
      inbound: {
        webhooks: makeWebhooks(config.inbound.carriers),
        publicUrl: config.inbound.publicUrl,
        receiveInbound,
        handleReceipt,
      },
    },
    isReady: () => ready,
  });
  try {
    await migrate(db);
    ready = true;
    if (Object.keys(jobHandlers).length > 0) {
      dispatcher = startDispatcher(
        {
          queue: makeJobQueue(db, clock),
          handlers: jobHandlers,
          owner: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
          concurrency: 16,
          pollMs: 1_000,
          leaseMs: 60_000,
          log: logger,
          now: () => clock.now(),
        },
        stopWorker.signal,
      );
    }
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    logger.info({ url, store: db.where }, 'textbridge listening');
    return {
      app,
      db,
      url,
      receiveInbound,
      jobHandlers,
      close: async () => {
        await app.close();
        stopWorker.abort();
        await dispatcher?.done;
        await db.close();
      },
    };
  } catch (e) {
    await app.close().catch(() => {});
    stopWorker.abort();
    await dispatcher?.done.catch(() => {});
    await db.close().catch(() => {});
    throw e;
  }
}
