/**
 * The store: Kysely statements composed into the ports the use-cases need (`app/ports.ts`).
 * On SQLite, writes on the send path go through group commit, and account and device lookups are
 * cached (lookup-cache.ts). On PostgreSQL the accepts of one
 * event-loop turn are one statement in autocommit (pg-accept-batch.ts; a lone one is accept-pg.ts):
 * one round trip instead of five per message. Account lookups are coalesced the same way (pg-lookups.ts).
 */
import type { AccountLookup, Clock, MessageAcceptor } from '../app/ports.js';
import { notEnoughCredit } from '../errors.js';
import { chargeCredit, type Q } from './accounts.js';
import type { Db } from './db.js';
import { GroupCommit } from './group-commit.js';
import { makeCachedLookups } from './lookup-cache.js';
import { insertJobs, insertMessage } from './messages.js';
import { makeBatchedAccept } from './pg-accept-batch.js';
import { makeCoalescedLookups } from './pg-lookups.js';
import { hasPushTokens } from './push-tokens.js';

export interface Store extends AccountLookup, MessageAcceptor {
  db: Db;
  /** Run writes in one transaction: the group commit on SQLite, a plain transaction on PostgreSQL. */
  inTransaction<T>(work: (q: Q) => Promise<T>): Promise<T>;
  /** Has the account a device with a push token? (Asked on every on-net send.) */
  hasDevices(accountId: number): Promise<boolean>;
}

export function makeStore(db: Db, clock: Clock): Store {
  const k = db.kysely;
  const group = db.dialect === 'sqlite' ? new GroupCommit(k) : undefined;
  const inTransaction = <T>(work: (q: Q) => Promise<T>): Promise<T> =>
    group ? group.run(work) : k.transaction().execute(work);

  // SQLite: the charge comes first, as a refusal must happen before this unit's first write
  // (group-commit.ts). PostgreSQL: the batched statement charges, stores and enqueues at once.
  const accept: MessageAcceptor['accept'] = group
    ? (m, jobs, lease) =>
        group.run(async (q) => {
          if (m.chargeMicros > 0 && m.senderAccountId !== null) {
            if (!(await chargeCredit(q, m.senderAccountId, m.chargeMicros))) throw notEnoughCredit();
          }
          const now = clock.now();
          const id = await insertMessage(q, m, now);
          await insertJobs(q, jobs, id, now, lease);
          return id;
        })
    : makeBatchedAccept(k, () => clock.now());
  // SQLite: remembered between requests, dropped when a trigger says something changed (lookup-cache.ts).
  const cached = group ? makeCachedLookups(k) : undefined;
  const lookups: AccountLookup = cached ?? makeCoalescedLookups(k);

  return {
    db,
    inTransaction,
    byUsername: lookups.byUsername,
    byNumber: lookups.byNumber,
    hasDevices: cached ? cached.hasDevices : (id) => hasPushTokens(k, id),
    accept,
  };
}
