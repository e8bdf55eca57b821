/**
 * Composition root: config → store → carriers → use-cases → HTTP and the delivery worker. Wired by hand,
 * no container, no import side effects (STYLE.md habit 6).
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { makeAuthenticate } from './app/authenticate.js';
import { type Clock, systemClock } from './app/ports.js';
import { makeSendMessage } from './app/send-message.js';
import type { Config } from './config.js';
import { parseDeliveryConfig } from './delivery-config.js';
import { buildServer } from './http/server.js';
import { type DeliveryOptions, type DeliveryRuntime, startDelivery } from './main-delivery.js';
import { type Db, openDb } from './store/db.js';
import { makeStore } from './store/index.js';
import { migrate } from './store/migrations/index.js';

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
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let delivery: DeliveryRuntime | undefined;
  let app: FastifyInstance | undefined;
  try {
    await migrate(db);
    delivery = await startDelivery(config, db, logger, clock, {
      ...opts,
      runWorker: opts.runWorker ?? parseDeliveryConfig(config).delivery.worker,
    });
    const store = makeStore(db, clock);
    const authenticate = makeAuthenticate(store, clock, config.auth);
    const sendMessage = makeSendMessage({
      authenticate,
      accounts: store,
      messages: store,
      options: {
        rates: config.rates,
        maxBodyBytes: config.limits.maxBodyBytes,
        recipients: config.recipients,
        onNetJobs: [],
      },
      delivery: delivery.send,
    });
    app = buildServer({
      options: {
        errorFormat: config.errorFormat,
        maxUrlBytes: config.server.maxUrlBytes,
        maxBodyBytes: config.limits.maxBodyBytes,
        trustProxy: config.server.trustProxy,
      },
      logger,
      handlers: { sendMessage },
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
  const db = await openStore(config);
  try {
    const delivery = await startDelivery(config, db, logger, clock, { runWorker: true });
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
