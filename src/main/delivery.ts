/**
 * Composition of the delivery engine (part of the composition root, split from `main/service.ts` to keep each
 * file to one job): config → carriers (started, receipts wired) → delivery store and job queue →
 * the deliver use-case, the Send Message fast path and, when asked, the dispatcher.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Deliver, makeDeliver } from '../app/deliver.js';
import { makeFirstAttempt } from '../app/first-attempt.js';
import type { CarrierAdapter, Clock, InboundSms, JobHandler, JobKind } from '../app/ports.js';
import { type ApplyReceipt, makeApplyReceipt, makeReceiptSink } from '../app/receipts.js';
import type { SendDelivery } from '../app/send-message.js';
import { buildCarriers } from '../carriers/index.js';
import type { Config } from '../config/index.js';
import { route } from '../domain/routing.js';
import { makeDeliveryStore } from '../store/adapters/delivery.js';
import { makeJobQueue } from '../store/adapters/job-queue.js';
import type { Db } from '../store/engine/db.js';
import { type Dispatcher, startDispatcher } from '../worker/dispatcher.js';

/** Options the composition root chooses. */
export interface DeliveryOptions {
  /** Run the dispatcher in this process. */
  runWorker: boolean;
  /** Mobile-originated messages from carriers with their own link (SMPP); issue #4 stores them. */
  onInbound?: (m: InboundSms) => void;
  /** Handlers for other job kinds (`push`, issue #4), run by the same dispatcher. */
  handlers?: Partial<Record<JobKind, JobHandler>>;
  /** Jobs to enqueue with a bounce notice (a push to the sender). */
  bounceJobs?: readonly JobKind[];
}

/** The running delivery engine. */
export interface DeliveryRuntime {
  config: Pick<Config, 'carriers' | 'routes' | 'delivery'>;
  send: SendDelivery;
  deliver: Deliver;
  applyReceipt: ApplyReceipt;
  dispatcher: Dispatcher | undefined;
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
  const carriers = buildCarriers(dc.carriers, { log });
  const store = makeDeliveryStore(db, clock, log);
  const queue = makeJobQueue(db, clock);
  const deliver = makeDeliver({
    store,
    carriers,
    routes: dc.routes,
    retry: { maxAttempts: d.maxAttempts, maxAgeMs: d.maxAgeMs, ...d.backoff },
    clock,
    bounceJobs: opts.bounceJobs ?? [],
  });
  const applyReceipt = makeApplyReceipt(store, deliver.bounce);
  const onInbound =
    opts.onInbound ??
    ((m: InboundSms) =>
      // Storing inbound SMS is issue #4; until it is wired, say so loudly (without the text).
      log.warn({ carrier: m.carrier, from: m.from, to: m.to }, 'inbound SMS dropped: no inbound handler'));
  const events = { receipt: makeReceiptSink(applyReceipt, log), inbound: onInbound };
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

  const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const lease = { owner, ms: d.leaseMs };
  const stop = new AbortController();
  const dispatcher = opts.runWorker
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
    applyReceipt,
    dispatcher,
    send: {
      canRoute: (to, sender) => route(dc.routes, to, sender) !== undefined,
      lease,
      firstAttempt: makeFirstAttempt(queue, deliver, lease),
      waitMs: d.waitMs,
    },
    async close() {
      stop.abort();
      await dispatcher?.done;
      await store.settle();
      await Promise.allSettled(started.map((c) => c.close?.()));
    },
  };
}
