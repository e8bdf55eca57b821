/**
 * Composition root: config → store → carriers → use-cases → HTTP and the delivery worker. Wired by hand,
 * no container, no import side effects (STYLE.md habit 6).
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { makeAuthenticate } from '../app/authenticate.js';
import { type Clock, systemClock } from '../app/ports.js';
import { makeSendMessage, type SendMessage } from '../app/send-message.js';
import { makeWebhooks } from '../carriers/webhooks.js';
import type { Config } from '../config/index.js';
import { buildServer } from '../http/server.js';
import { makeSharedFailures } from '../store/adapters/auth-failures.js';
import { makeSendCounter } from '../store/adapters/send-counts.js';
import { makeStore } from '../store/adapters/store.js';
import { type Db, openDb } from '../store/engine/db.js';
import { migrate } from '../store/migrations/index.js';
import { type DeliveryOptions, type DeliveryRuntime, startDelivery } from './delivery.js';
import { composeTwoWay, type TwoWay, twoWayHandlers } from './two-way.js';

/** The process logger: JSON lines; no request ever logs its query string or body (http/logging.ts). */
export function makeLogger(config: Pick<Config, 'log'>, destination?: pino.DestinationStream): Logger {
  return pino({ level: config.log.level, base: { service: 'textbridge' } }, destination);
}

/** What the configuration reader found to fix without stopping (deprecated keys): one line each. */
function logConfigWarnings(config: Config, logger: Logger): void {
  for (const w of config.warnings) logger.warn({ config: 'warning' }, w);
}

/** Open the configured database and bring its schema up to date. */
export async function openStore(config: Config): Promise<Db> {
  const db = openDb({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
  });
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
  /** `http://host:port` once listening. */
  url: string;
  delivery: DeliveryRuntime;
  close(): Promise<void>;
}

/**
 * Start the HTTP service on the configured host and port, with the delivery engine (carriers started,
 * the dispatcher running unless `delivery.worker` is false).
 */
export async function startService(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
  opts: Partial<DeliveryOptions> = {},
): Promise<Service> {
  logConfigWarnings(config, logger);
  const db = openDb({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
  });
  let delivery: DeliveryRuntime | undefined;
  let app: FastifyInstance | undefined;
  try {
    await migrate(db);
    const store = makeStore(db, clock);
    const tw = composeTwoWay(config, store, clock, logger);
    delivery = await startDelivery(config, db, logger, clock, {
      ...twoWayDeliveryOptions(tw, logger),
      ...opts,
      runWorker: opts.runWorker ?? config.delivery.worker,
    });
    const dispatcher = delivery.dispatcher;
    tw.wake = () => dispatcher?.wake();
    // Failed logins are counted in the database so the throttle holds across instances (issue #5).
    const authenticate = makeAuthenticate(store, clock, config.auth, makeSharedFailures(db));
    const sendOnce = makeSendMessage({
      authenticate,
      accounts: store,
      messages: store,
      options: {
        rates: config.rates,
        maxBodyBytes: config.limits.maxBodyBytes,
        recipients: config.recipients,
        onNetJobs: tw.inboxJobsFor,
      },
      delivery: delivery.send,
      // Counted in the database, so the limit holds across instances (issue #5).
      ...(config.limits.sendPerMinute > 0
        ? {
            sendRate: {
              perMinute: config.limits.sendPerMinute,
              count: makeSendCounter(store, () => clock.now()),
            },
          }
        : {}),
    });
    // An on-net message with a push job: wake the dispatcher so the push leaves now, not at the poll.
    const sendMessage: SendMessage = async (credentials, readRequest) => {
      const r = await sendOnce(credentials, readRequest);
      if (r.onNet) await tw.onNetSent(r);
      if (r.jobs.includes('push')) tw.wake();
      return r;
    };
    const { handleReceipt, ...twoWayUseCases } = twoWayHandlers(
      config,
      store,
      clock,
      authenticate,
      delivery.applyReceipt,
      tw,
    );
    app = buildServer({
      options: {
        errorFormat: config.errorFormat,
        maxUrlBytes: config.server.maxUrlBytes,
        maxBodyBytes: config.limits.maxBodyBytes,
        trustProxy: config.server.trustProxy,
      },
      logger,
      handlers: {
        sendMessage,
        ...twoWayUseCases,
        inbound: {
          webhooks: makeWebhooks(config.carriers, config.inbound.carriers),
          publicUrl: config.inbound.publicUrl,
          receiveInbound: tw.receiveInbound,
          handleReceipt,
        },
      },
      isReady: () => true,
    });
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    logger.info({ url, store: db.where }, 'textbridge listening');
    const running = app;
    const runningDelivery = delivery;
    return {
      app: running,
      db,
      url,
      delivery: runningDelivery,
      close: async () => {
        await running.close();
        await runningDelivery.close();
        await db.close();
      },
    };
  } catch (e) {
    await app?.close().catch(() => {});
    await delivery?.close().catch(() => {});
    await db.close().catch(() => {});
    throw e;
  }
}

/** A worker alone (`textbridge worker`): the dispatcher and the carriers, no HTTP. */
export async function startWorker(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<{ delivery: DeliveryRuntime; close(): Promise<void> }> {
  logConfigWarnings(config, logger);
  const db = await openStore(config);
  try {
    const tw = composeTwoWay(config, makeStore(db, clock), clock, logger);
    const delivery = await startDelivery(config, db, logger, clock, {
      ...twoWayDeliveryOptions(tw, logger),
      runWorker: true,
    });
    return {
      delivery,
      close: async () => {
        await delivery.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}

/** What two-way messaging hands the delivery engine: SMPP MO storage, push jobs, bounce pushes. */
function twoWayDeliveryOptions(tw: TwoWay, logger: Logger): Partial<DeliveryOptions> {
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
