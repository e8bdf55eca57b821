/**
 * `textbridge serve`: config → store → carriers → use-cases → HTTP, with the delivery worker unless
 * `delivery.worker` is false. Wired by hand: no container, no import side effects.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { makeAuthenticate } from '../app/authenticate.js';
import { type Clock, systemClock } from '../app/ports.js';
import { makeProvision } from '../app/provision.js';
import { makeCheckReadiness } from '../app/readiness.js';
import { recordingRefusals } from '../app/refused-webhooks.js';
import { makeSendMessage } from '../app/send-message.js';
import { makeWebhooks } from '../carriers/webhooks.js';
import type { Config } from '../config/index.js';
import { maskSecrets } from '../config/mask.js';
import type { AdminApiDeps } from '../http/admin/deps.js';
import { buildAdminServer } from '../http/admin/server.js';
import { buildServer } from '../http/server.js';
import { countSends, countWebhooks } from '../metrics/decorators.js';
import { makeRefusedWebhookLog } from '../store/adapters/admin.js';
import { makeSharedFailures } from '../store/adapters/auth-failures.js';
import { makeStoreProbe } from '../store/adapters/health.js';
import { makeSendCounter } from '../store/adapters/send-counts.js';
import { makeStore } from '../store/adapters/store.js';
import type { Db } from '../store/engine/db.js';
import { adminUseCases } from './admin.js';
import { appServiceHandlers } from './app-services.js';
import { type DeliveryOptions, type DeliveryRuntime, startDelivery } from './delivery.js';
import { composeExternalLogin } from './external-auth.js';
import { logConfigWarnings } from './logger.js';
import { composeMedia, openMediaStore, startMediaSweep } from './media.js';
import {
  adminListenerMetrics,
  composeMetrics,
  type Metrics,
  mainPortMetrics,
  outboxSource,
} from './metrics.js';
import { openServerStore } from './store.js';
import { startTimelinePrune } from './timeline.js';
import { composeTwoWay, deliveryOptions, twoWayHandlers } from './two-way.js';
import { CONSOLE_DIR, VERSION } from './version.js';

export interface Service {
  app: FastifyInstance;
  db: Db;
  /** `http://host:port` once listening. */
  url: string;
  /** The admin listener's `http://host:port` when `server.adminPort` is set; else the admin API is at `url`. */
  adminUrl?: string;
  delivery: DeliveryRuntime;
  /** The service's metrics: its registry is what `GET /metrics` renders, on any listener that mounts it. */
  metrics: Metrics;
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
  const { db, release } = await openServerStore(config, logger);
  const metrics = composeMetrics(config, VERSION);
  let delivery: DeliveryRuntime | undefined;
  let app: FastifyInstance | undefined;
  let adminApp: FastifyInstance | undefined;
  let external: ReturnType<typeof composeExternalLogin>;
  let mediaSweep: ReturnType<typeof startMediaSweep> | undefined;
  try {
    const store = makeStore(db, clock, metrics.commit);
    const tw = composeTwoWay(config, store, clock, logger, metrics);
    delivery = await startDelivery(config, db, logger, clock, {
      ...deliveryOptions(tw),
      ...opts,
      runWorker: opts.runWorker ?? config.delivery.worker,
      metrics,
      writes: store.inTransaction,
    });
    const runtime = delivery;
    metrics.scrape({
      outbox: outboxSource(db, clock),
      carriers: () => runtime.carrierGauges(),
      now: () => clock.now(),
    });
    const dispatcher = delivery.dispatcher;
    tw.wake = () => dispatcher?.wake();
    // Failed logins are counted in the database so the throttle holds across instances.
    external = composeExternalLogin(config, db, store, clock, logger);
    const authenticate = makeAuthenticate(store, clock, config.auth, makeSharedFailures(db), external?.login);
    const mediaStore = openMediaStore(config, db, clock);
    const media = await composeMedia(config, db, mediaStore, authenticate, clock);
    mediaSweep = startMediaSweep(config, mediaStore, clock, logger);
    const twoWayStore = tw.store;
    const sendMessage = countSends(
      makeSendMessage({
        authenticate,
        accounts: store,
        messages: store,
        inbox: twoWayStore,
        devices: twoWayStore,
        outbox: tw,
        log: logger,
        clock,
        options: {
          rates: config.rates,
          maxBodyBytes: config.limits.maxBodyBytes,
          recipients: config.recipients,
          inboxJobs: tw.inboxJobs,
        },
        delivery: delivery.send,
        // Counted in the database, so the limit holds across instances.
        ...(config.limits.sendPerMinute > 0
          ? {
              sendRate: {
                perMinute: config.limits.sendPerMinute,
                count: makeSendCounter(store, () => clock.now()),
              },
            }
          : {}),
      }),
      metrics,
    );
    const { receiveWebhook, ...twoWayUseCases } = twoWayHandlers(
      config,
      clock,
      authenticate,
      delivery.handleReceipt,
      makeWebhooks(config.carriers, config.inbound.carriers),
      tw,
      logger,
    );
    const mainMetrics = mainPortMetrics(config, metrics);
    const admin: AdminApiDeps = {
      ...adminUseCases(config, db, clock),
      links: () => delivery?.carrierGauges() ?? [],
      maxFailuresPerAddress: config.auth.maxFailuresPerAddress,
      failureWindowMs: config.auth.failureWindowMs,
      clock,
      version: VERSION,
      maskedConfig: () => maskSecrets(config) as object,
      ...(CONSOLE_DIR === undefined ? {} : { consoleDir: CONSOLE_DIR }),
    };
    const ownAdminListener = config.server.adminPort !== undefined;
    app = buildServer({
      options: {
        errorFormat: config.errorFormat,
        maxUrlBytes: config.server.maxUrlBytes,
        maxBodyBytes: config.limits.maxBodyBytes,
        trustProxy: config.server.trustProxy,
        headersTimeoutMs: config.server.headersTimeoutMs,
        requestTimeoutMs: config.server.requestTimeoutMs,
        keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
        maxConnections: config.server.maxConnections,
      },
      logger,
      handlers: {
        sendMessage,
        ...twoWayUseCases,
        inbound: {
          publicUrl: config.inbound.publicUrl,
          receiveWebhook: countWebhooks(
            recordingRefusals(receiveWebhook, makeRefusedWebhookLog(db), clock, logger),
            metrics,
          ),
        },
        provisioning: { publicUrl: config.server.publicUrl, provision: makeProvision(authenticate) },
        appServices: appServiceHandlers(config, db, authenticate, store, logger),
        media,
      },
      checkReadiness: makeCheckReadiness({ store: makeStoreProbe(db), carriers: delivery.links }),
      version: VERSION,
      observeRequest: metrics.request,
      ...(mainMetrics ? { metrics: mainMetrics } : {}),
      ...(ownAdminListener ? {} : { admin }),
    });
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    let adminUrl: string | undefined;
    if (ownAdminListener) {
      adminApp = buildAdminServer(
        admin,
        logger,
        config.server.trustProxy,
        adminListenerMetrics(config, metrics, admin.tokens),
      );
      const adminPort = config.server.adminPort ?? 0;
      adminUrl = await adminApp.listen({ host: config.server.adminHost, port: adminPort });
    }
    logger.info({ url, adminUrl, store: db.where, version: VERSION }, 'textbridge listening');
    const running = app;
    const runningAdmin = adminApp;
    const runningDelivery = delivery;
    const runningSweep = mediaSweep;
    const timelinePrune = startTimelinePrune(config, db, clock, logger);
    return {
      app: running,
      db,
      url,
      ...(adminUrl === undefined ? {} : { adminUrl }),
      delivery: runningDelivery,
      metrics,
      close: async () => {
        await runningAdmin?.close();
        await running.close();
        await runningSweep.stop();
        await timelinePrune.stop();
        await runningDelivery.close();
        await tw.close();
        await external?.close();
        await db.close();
        release();
      },
    };
  } catch (e) {
    await adminApp?.close().catch(() => {});
    await app?.close().catch(() => {});
    await mediaSweep?.stop().catch(() => {});
    await delivery?.close().catch(() => {});
    await external?.close().catch(() => {});
    await db.close().catch(() => {});
    release();
    throw e;
  }
}
