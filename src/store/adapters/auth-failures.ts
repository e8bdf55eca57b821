/**
 * Failed-login counts shared by every instance on one database (`app/throttle.ts` SharedFailures).
 * One statement per function; all of them run only on the failure path or on a login cache miss.
 */
import type { SharedFailures } from '../../app/throttle.js';
import type { Db } from '../engine/db.js';
import type { Q } from '../sql/accounts.js';

/**
 * insert into auth_failures … on conflict (key) do update: count one failure, starting a new window
 * when the old one has ended; returns the count in the current window. Both engines evaluate the SET
 * expressions against the old row, so the two CASEs agree.
 */
export async function recordFailure(q: Q, key: string, now: number, windowMs: number): Promise<number> {
  const row = await q
    .insertInto('auth_failures')
    .values({ key, failures: 1, window_until: now + windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('auth_failures.window_until', '<=', now)
          .then(1)
          .else(eb('auth_failures.failures', '+', 1))
          .end(),
        window_until: eb
          .case()
          .when('auth_failures.window_until', '<=', now)
          .then(now + windowMs)
          .else(eb.ref('auth_failures.window_until'))
          .end(),
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** select 1 from auth_failures where key in (…) and window_until > now and failures >= max limit 1 */
export async function anyBlocked(q: Q, keys: readonly string[], now: number, max: number): Promise<boolean> {
  const row = await q
    .selectFrom('auth_failures')
    .select('key')
    .where('key', 'in', keys)
    .where('window_until', '>', now)
    .where('failures', '>=', max)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** delete from auth_failures where key = ? */
export async function clearFailures(q: Q, key: string): Promise<void> {
  await q.deleteFrom('auth_failures').where('key', '=', key).execute();
}

/** delete from auth_failures where window_until <= ? (ended windows; keeps a spray of addresses bounded) */
export async function sweepFailures(q: Q, now: number): Promise<void> {
  await q.deleteFrom('auth_failures').where('window_until', '<=', now).execute();
}

/** The shared failure counts over `db`; ended windows are swept every `sweepEvery` recorded failures. */
export function makeSharedFailures(db: Db, sweepEvery = 1000): SharedFailures {
  const k = db.kysely;
  let recorded = 0;
  return {
    record: async (key, now, windowMs) => {
      if (++recorded % sweepEvery === 0) await sweepFailures(k, now);
      return recordFailure(k, key, now, windowMs);
    },
    anyBlocked: (keys, now, max) => anyBlocked(k, keys, now, max),
    clear: (key) => clearFailures(k, key),
  };
}
