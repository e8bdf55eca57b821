/**
 * Composition of the delivery engine (part of the composition root, split from `main/service.ts` to keep each
 * file to one job): config → carriers (started, receipts wired) → delivery store and job queue →
 * the deliver use-case, the Send Message fast path and, when asked, the dispatcher.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { makeCarrierEvents } from '../app/carrier-events.js';
import { type Deliver, makeDeliver } from '../app/deliver.js';
import { makeFirstAttempt, makeHandOff } from '../app/first-attempt.js';
import type { Inbound } from '../app/inbound.js';
import type { CarrierAdapter, Clock, JobHandler, JobKind, OutboxSignal } from '../app/ports.js';
import type { CarrierLink } from '../app/readiness.js';
import { type HandleReceipt, makeHandleReceipt } from '../app/receipts.js';
import type { SendDelivery } from '../app/send-message.js';
import { buildCarriers } from '../carriers/index.js';
import type { Config } from '../config/index.js';
import { route } from '../domain/routing.js';
import { countReceipts } from '../metrics/decorators.js';
import type { CarrierGauge } from '../metrics/scrape.js';
import { makeDeliveryStore } from '../store/adapters/delivery.js';
import { makeJobQueue } from '../store/adapters/job-queue.js';
import type { Store } from '../store/adapters/store.js';
import { armLowCredit, makeEventRecorder } from '../store/adapters/webhook-events.js';
import type { Db } from '../store/engine/db.js';
import { type Dispatcher, startDispatcher } from '../worker/dispatcher.js';
import { composeMmsSend } from './media.js';
import { carrierGauges, countedCarriers, type Metrics } from './metrics.js';

/** How often parts of long inbound messages are checked for their timeout. */
const PARTS_SWEEP_MS = 1_000;

/** How long a graceful stop waits for the sends kept in hand before it closes the carriers. */
const HAND_OFF_GRACE_MS = 5_000;

/** Options the composition root chooses. */
export interface DeliveryOptions {
  /** Run the dispatcher in this process. */
  runWorker: boolean;
  /** Stores SMPP MO messages and their parts (two-way messaging). */
  inbound?: Pick<Inbound, 'receive' | 'receivePart' | 'sweepParts'>;
  /** Handlers for other job kinds (`push`), run by the same dispatcher. */
  handlers?: Partial<Record<JobKind, JobHandler>>;
  /** Jobs to enqueue with a bounce notice (a push to the sender). */
  bounceJobs?: readonly JobKind[];
  /** Count submits and receipts (the service's metrics); absent: not counted. */
  metrics?: Metrics;
  /**
   * Where delivery outcomes and receipts are written: the store's `inTransaction` (on SQLite the group
   * commit, so they share the accepts' transaction and fdatasync); absent: a transaction of their own.
   */
  writes?: Store['inTransaction'];
}

/** The running delivery engine. */
export interface DeliveryRuntime {
  config: Pick<Config, 'carriers' | 'routes' | 'delivery'>;
  send: SendDelivery;
  deliver: Deliver;
  /** The receipt use-case, for carrier webhooks too. */
  handleReceipt: HandleReceipt;
  dispatcher: Dispatcher | undefined;
  /** Each configured carrier's link, for readiness. */
  links(): CarrierLink[];
  /** Each carrier's link, submits awaiting an answer and window, for the metrics scrape. */
  carrierGauges(): CarrierGauge[];
  /** Stop the dispatcher (running jobs finish), then close the carriers. */
  close(): Promise<void>;
}

/** Start the carriers (from the configuration, checked at load) and, if asked, the dispatcher. */
export async function startDelivery(
  config: Config,
  db: Db,
  logger: Logger,
  clock: Clock,
  opts: DeliveryOptions,
): Promise<DeliveryRuntime> {
  const dc = config;
  const d = dc.delivery;
  const log = logger.child({ component: 'delivery' });
  const carriers = countedCarriers(buildCarriers(dc.carriers, { log }), opts.metrics);
  const store = makeDeliveryStore(db, clock, log, makeEventRecorder(config.webhooks), opts.writes);
  await armLowCredit(db, config.webhooks, config.webhookDelivery.lowCreditMicros);
  const queue = makeJobQueue(db, clock);
  const pictures = await composeMmsSend(config, db, clock);
  const deliver = makeDeliver({
    store,
    carriers,
    routes: dc.routes,
    retry: { maxAttempts: d.maxAttempts, maxAgeMs: d.maxAgeMs, ...d.backoff },
    clock,
    bounceJobs: opts.bounceJobs ?? [],
    log,
    ...(pictures ? { mms: pictures.mms } : {}),
  });
  let dispatcher: Dispatcher | undefined;
  const outbox: OutboxSignal = { wake: () => dispatcher?.wake() };
  const inbound = opts.inbound ?? withoutInbound(log);
  const receipts = makeHandleReceipt({
    store,
    bounce: deliver.bounce,
    jobs: opts.bounceJobs ?? [],
    clock,
    outbox,
  });
  const handleReceipt = opts.metrics ? countReceipts(receipts, opts.metrics) : receipts;
  const events = makeCarrierEvents({ inbound, handleReceipt, log });
  const started: CarrierAdapter[] = [];
  try {
    for (const c of carriers.values()) {
      if (c.start) await c.start(events);
      started.push(c);
    }
  } catch (e) {
    await Promise.allSettled([...carriers.values()].map((c) => c.close?.()));
    throw e;
  }

  // Parts of long inbound messages still incomplete after their timeout are joined with what arrived.
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    inbound
      .sweepParts()
      .catch((err: unknown) => log.error({ err }, 'joining expired inbound parts failed'))
      .finally(() => {
        sweeping = false;
      });
  }, PARTS_SWEEP_MS);
  sweep.unref();

  const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const lease = { owner, ms: d.leaseMs };
  const stop = new AbortController();
  const firstAttempt = makeFirstAttempt(queue, deliver, lease, clock, log);
  // As many sends in hand as the worker runs jobs at once (docs/delivery.md, "The path of a message").
  const handOff = makeHandOff(firstAttempt, d.concurrency);
  dispatcher = opts.runWorker
    ? startDispatcher(
        {
          queue,
          handlers: { ...opts.handlers, deliver: deliver.handler },
          owner,
          concurrency: d.concurrency,
          pollMs: d.pollMs,
          leaseMs: d.leaseMs,
          log,
        },
        stop.signal,
      )
    : undefined;
  log.info(
    { carriers: [...carriers.keys()], routes: dc.routes.length, worker: opts.runWorker, owner },
    'delivery started',
  );

  return {
    config: dc,
    deliver,
    handleReceipt,
    dispatcher,
    send: {
      plan: (to, sender) => {
        const choice = route(dc.routes, to, sender);
        if (!choice) return undefined;
        const first = choice.carriers[0];
        if (first === undefined) return { now: false, inHand: false };
        if (deliver.hasCapacity(first)) return { now: true, inHand: false };
        // Without room, kept in hand while the link is up (an HTTP carrier has none: it is reached per
        // request) and the hand has room.
        const up = (carriers.get(first)?.link?.() ?? 'up') === 'up';
        return { now: false, inHand: up && handOff.hasRoom() };
      },
      lease,
      firstAttempt,
      handOff,
      waitMs: d.waitMs,
    },
    links: () => [...carriers.values()].map((c) => ({ name: c.name, link: c.link?.() ?? 'none' })),
    carrierGauges: () => carrierGauges(carriers.values()),
    async close() {
      clearInterval(sweep);
      stop.abort();
      await dispatcher?.done;
      // Sends in hand finish while their carriers are still open; a straggler's lease runs out instead.
      await handOff.settled(HAND_OFF_GRACE_MS);
      await Promise.allSettled(started.map((c) => c.close?.()));
      await pictures?.close();
    },
  };
}

/** Without two-way messaging (benchmarks): an MO message is dropped loudly, never with its text. */
function withoutInbound(log: Logger): NonNullable<DeliveryOptions['inbound']> {
  const drop = async (m: { carrier: string; from: string; to: string }) => {
    log.warn({ carrier: m.carrier, from: m.from, to: m.to }, 'inbound SMS dropped: no inbound handler');
    return { stored: false, duplicate: false };
  };
  return { receive: drop, receivePart: drop, sweepParts: async () => 0 };
}
