/**
 * Messages sent per account per minute, counted in the database so `limits.sendPerMinute` holds across
 * instances. Same shape as the login throttle's counts (store/adapters/auth-failures.ts): one row per
 * account with a fixed window that starts at its first send.
 */
import type { SendCounter } from '../../app/send-message.js';
import type { Q } from '../sql/accounts.js';
import type { Store } from './store.js';

const WINDOW_MS = 60_000;

/**
 * insert into send_counts (account_id, sent, window_until) values (?, 1, now + 60 s)
 * on conflict (account_id) do update set sent = case when window_until <= now then 1 else sent + 1 end,
 * window_until = case … end returning sent. One statement: two instances counting one account at once
 * serialise on its row (PostgreSQL) or on the write lock (SQLite), so no send goes uncounted.
 */
export async function countSend(q: Q, accountId: number, now: number): Promise<number> {
  const row = await q
    .insertInto('send_counts')
    .values({ account_id: accountId, sent: 1, window_until: now + WINDOW_MS })
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet((eb) => ({
        sent: eb
          .case()
          .when('send_counts.window_until', '<=', now)
          .then(1)
          .else(eb('send_counts.sent', '+', 1))
          .end(),
        window_until: eb
          .case()
          .when('send_counts.window_until', '<=', now)
          .then(now + WINDOW_MS)
          .else(eb.ref('send_counts.window_until'))
          .end(),
      })),
    )
    .returning('sent')
    .executeTakeFirstOrThrow();
  return Number(row.sent);
}

/**
 * The counter over `store`: on SQLite inside the group commit (no fsync of its own), on PostgreSQL
 * one statement.
 */
export function makeSendCounter(store: Store, now: () => number): SendCounter {
  if (store.db.dialect === 'postgres') return (accountId) => countSend(store.db.kysely, accountId, now());
  return (accountId) => store.inTransaction((q) => countSend(q, accountId, now()));
}
