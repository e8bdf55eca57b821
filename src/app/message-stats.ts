/**
 * Messages per minute by direction and status, for charts (`GET /admin/v1/stats/messages`). A call
 * covers at most MAX_STATS_RANGE_MS (7 days: 10,080 minutes), so one chart cannot ask for the table.
 */
import { badRequest } from '../errors.js';

export const MAX_STATS_RANGE_MS = 7 * 24 * 60 * 60_000;

export interface MessageStatsStore {
  perMinute(
    from: number,
    to: number,
  ): Promise<Array<{ minute: number; direction: string; status: string; count: number }>>;
}

export function makeMessageStats(store: MessageStatsStore) {
  return async (from: number, to: number) => {
    if (!(to > from)) throw badRequest('`until` must be after `since`');
    if (to - from > MAX_STATS_RANGE_MS) throw badRequest('A range is at most 7 days; ask for several');
    const rows = await store.perMinute(from, to);
    return rows.map((r) => ({ ...r, minute: new Date(r.minute).toISOString() }));
  };
}

export type MessageStats = ReturnType<typeof makeMessageStats>;
