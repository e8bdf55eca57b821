/**
 * The store side of two-way messaging: Kysely statements composed into the ports of Fetch Messages,
 * the push token reporters, inbound messages and the push handler.
 */
import type { FetchStore, Side } from '../../app/fetch-messages.js';
import type { InboxStore } from '../../app/inbound.js';
import type { Clock, JobKind, NewMessage } from '../../app/ports.js';
import type { PushStore } from '../../app/push.js';
import type { PushTokenStore } from '../../app/push-tokens.js';
import type { EventLog } from '../../app/timeline.js';
import { event, type NewEvent } from '../../domain/timeline.js';
import type { Q } from '../sql/accounts.js';
import { insertEvents } from '../sql/events.js';
import {
  countUnread,
  markDisplayed,
  type SideColumn,
  selectAfter,
  selectNewest,
  selectNewestIds,
  selectUnreadUpTo,
} from '../sql/fetch.js';
import { findIdByInboundKey, insertKeyedMessage } from '../sql/inbox.js';
import { findMessage, insertJobs } from '../sql/messages.js';
import {
  deleteBySelector,
  deleteByToken,
  deleteDeadToken,
  selectPushTokens,
  upsertPushToken,
} from '../sql/push-tokens.js';
import type { Store } from './store.js';
import { type EventRecorder, NO_EVENTS } from './webhook-events.js';

export interface TwoWayStore extends FetchStore, PushTokenStore, InboxStore, PushStore, EventLog {}

/** Store `m` under `key` with its jobs, inside the caller's transaction; the existing id if it is already stored. */
export async function storeKeyedIn(
  q: Q,
  m: NewMessage,
  key: string,
  jobs: readonly JobKind[],
  now: number,
): Promise<{ id: number; duplicate: boolean }> {
  const id = await insertKeyedMessage(q, m, key, now);
  if (id === undefined) {
    const existing = await findIdByInboundKey(q, key);
    if (existing === undefined) throw new Error(`inbound key ${key} conflicted but is not stored`);
    return { id: existing, duplicate: true };
  }
  await insertJobs(q, jobs, id, now);
  return { id, duplicate: false };
}

const COLUMN: Record<Side, SideColumn> = { received: 'recipient_account_id', sent: 'sender_account_id' };

export function makeTwoWayStore(store: Store, clock: Clock, events: EventRecorder = NO_EVENTS): TwoWayStore {
  const k = store.db.kysely;
  return {
    after: (side, accountId, afterId, limit) => selectAfter(k, COLUMN[side], accountId, afterId, limit),
    newest: async (side, accountId, limit) =>
      (await selectNewest(k, COLUMN[side], accountId, limit)).reverse(),
    newestIds: (accountId) => selectNewestIds(k, accountId),
    // Through the group commit on SQLite: concurrent fetches share one fsync. The display
    // notifications the page earns are stored in the same transaction as the mark.
    unreadUpTo: (accountId, upToId, limit) => selectUnreadUpTo(k, accountId, upToId, limit),
    markDisplayed: (accountId, ids, notices, jobs, events) =>
      store.inTransaction(async (q) => {
        await markDisplayed(q, accountId, ids);
        let stored = 0;
        const noticed: NewEvent[] = [];
        for (const n of notices) {
          const { id, duplicate } = await storeKeyedIn(q, n.message, n.key, jobs, clock.now());
          if (duplicate) continue;
          stored++;
          noticed.push(event(n.about, clock.now(), 'disposition', { status: 'displayed', notice: id }));
        }
        await insertEvents(q, [...events, ...noticed]);
        return stored;
      }),
    record: (events) => store.inTransaction((q) => insertEvents(q, events)),

    saveTokens: (accountId, r, now) => upsertPushToken(k, { accountId, ...r }, now),
    hasDevices: (accountId) => store.hasDevices(accountId),
    removeTokens: async (accountId, removal) => {
      if (removal.selector !== null) return deleteBySelector(k, accountId, removal.selector);
      for (const t of removal.tokens) await deleteByToken(k, accountId, t);
    },

    storeKeyed: (m, key, jobs, about) =>
      store.inTransaction(async (q) => {
        const now = clock.now();
        const r = await storeKeyedIn(q, m, key, jobs, now);
        if (about?.notice && !r.duplicate) {
          const { about: id, status } = about.notice;
          await insertEvents(q, [event(id, now, 'disposition', { status, notice: r.id })]);
        }
        if (about?.received && !r.duplicate) await events.messages(q, 'received', [r.id], now);
        return r;
      }),

    message: (id) => findMessage(k, id),
    devices: (accountId) => selectPushTokens(k, accountId),
    unreadCount: (accountId) => countUnread(k, accountId),
    forgetToken: (accountId, selector, token) => deleteDeadToken(k, accountId, selector, token),
  };
}
