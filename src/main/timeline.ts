/**
 * The timeline prune: events older than `timeline.retentionDays` are deleted at start and then every
 * `timeline.pruneIntervalSec`, in batches of a few thousand rows found through the `at` index, so the
 * send path never waits long behind it. Several instances pruning at once is harmless (deletes of
 * the same old rows). A message's events also go whenever the message itself is deleted (the foreign
 * key cascades), whatever this setting says.
 */
import type { Logger } from 'pino';
import type { Clock } from '../app/ports.js';
import type { Config } from '../config/index.js';
import { makeTimelineStore } from '../store/adapters/timeline.js';
import type { Db } from '../store/engine/db.js';

const DAY_MS = 86_400_000;

export function startTimelinePrune(config: Config, db: Db, clock: Clock, logger: Logger) {
  const days = config.timeline.retentionDays;
  if (days <= 0) return { stop: async () => {} };
  const store = makeTimelineStore(db);
  let running: Promise<void> = Promise.resolve();
  const prune = () => {
    running = running.then(async () => {
      try {
        const n = await store.pruneBefore(clock.now() - days * DAY_MS);
        if (n > 0) logger.info({ deleted: n, retentionDays: days }, 'timeline prune');
      } catch (err) {
        logger.warn({ err }, 'timeline prune failed; next try at the next interval');
      }
    });
  };
  prune();
  const timer = setInterval(prune, config.timeline.pruneIntervalSec * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
