/** The store side of timelines (`app/timeline.ts`): reading them, and pruning old events. */
import type { TimelineStore } from '../../app/timeline.js';
import type { Db } from '../engine/db.js';
import { deleteEventsBefore, findAcceptance, selectEvents } from '../sql/events.js';
import { findMessage } from '../sql/messages.js';

export interface TimelineAdminStore extends TimelineStore {
  /** Delete events older than `before` (epoch ms), `batch` rows to a transaction; how many went. */
  pruneBefore(before: number, batch?: number): Promise<number>;
}

export function makeTimelineStore(db: Db): TimelineAdminStore {
  const k = db.kysely;
  return {
    message: (id) => findMessage(k, id),
    acceptance: (id) => findAcceptance(k, id),
    events: (ids) => selectEvents(k, ids),
    async pruneBefore(before, batch = 5_000) {
      // Short transactions, so the writers of the send path never wait long behind a prune.
      let total = 0;
      for (;;) {
        const n = await deleteEventsBefore(k, before, batch);
        total += n;
        if (n < batch) return total;
      }
    },
  };
}
