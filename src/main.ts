/**
 * Composition root: config → store → use-cases → HTTP (and, later, the delivery worker). Wired by hand,
 * no container, no import side effects (STYLE.md habit 6).
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { makeAuthenticate } from './app/authenticate.js';
import { type Clock, systemClock } from './app/ports.js';
import { makeSendMessage } from './app/send-message.js';
import type { Config } from './config.js';
import { buildServer } from './http/server.js';
import { makeSharedFailures } from './store/auth-failures.js';
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
  // Failed logins are counted in the database so the throttle holds across instances (issue #5).
  const authenticate = makeAuthenticate(store, clock, config.auth, makeSharedFailures(db));
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
  });
  const app = buildServer({
    options: {
      errorFormat: config.errorFormat,
      maxUrlBytes: config.server.maxUrlBytes,
      maxBodyBytes: config.limits.maxBodyBytes,
      trustProxy: config.server.trustProxy,
    },
    logger,
    handlers: { sendMessage },
    isReady: () => ready,
  });
  try {
    await migrate(db);
    ready = true;
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    logger.info({ url, store: db.where }, 'textbridge listening');
    return {
      app,
      db,
      url,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  } catch (e) {
    await app.close().catch(() => {});
    await db.close().catch(() => {});
    throw e;
  }
}
