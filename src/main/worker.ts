/** `textbridge worker`: the dispatcher and the carriers, no HTTP (scale-out on PostgreSQL). */
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../app/ports.js';
import type { Config } from '../config/index.js';
import { makeStore } from '../store/adapters/store.js';
import { type DeliveryRuntime, startDelivery } from './delivery.js';
import { logConfigWarnings } from './logger.js';
import { openMediaStore, startMediaSweep } from './media.js';
import { openServerStore } from './store.js';
import { startTimelinePrune } from './timeline.js';
import { composeTwoWay, deliveryOptions } from './two-way.js';

/** A worker alone (`textbridge worker`): the dispatcher and the carriers, no HTTP. */
export async function startWorker(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<{ delivery: DeliveryRuntime; close(): Promise<void> }> {
  logConfigWarnings(config, logger);
  const { db, release } = await openServerStore(config, logger);
  try {
    const store = makeStore(db, clock);
    const tw = composeTwoWay(config, store, clock, logger);
    const delivery = await startDelivery(config, db, logger, clock, {
      ...deliveryOptions(tw),
      runWorker: true,
      writes: store.inTransaction,
    });
    const dispatcher = delivery.dispatcher;
    tw.wake = () => dispatcher?.wake();
    const mediaSweep = startMediaSweep(config, openMediaStore(config, db, clock), clock, logger);
    const timelinePrune = startTimelinePrune(config, db, clock, logger);
    return {
      delivery,
      close: async () => {
        await mediaSweep.stop();
        await timelinePrune.stop();
        await delivery.close();
        await tw.close();
        await db.close();
        release();
      },
    };
  } catch (e) {
    await db.close().catch(() => {});
    release();
    throw e;
  }
}
