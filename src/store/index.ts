/**
 * The store: Kysely statements composed into the ports the use-cases need (`app/ports.ts`).
 * On SQLite, writes on the send path go through group commit; on PostgreSQL each accept is one
 * statement in autocommit (store/accept-pg.ts: one round trip instead of five; the server groups
 * concurrent commits' WAL flushes itself).
 */
import type { AccountLookup, Clock, JobKind, JobLease, MessageAcceptor, NewMessage } from '../app/ports.js';
import { notEnoughCredit } from '../errors.js';
import { acceptInOneStatement } from './accept-pg.js';
import { chargeCredit, findAccountByNumber, findAccountByUsername, type Q } from './accounts.js';
import type { Db } from './db.js';
import { GroupCommit } from './group-commit.js';
import { insertJobs, insertMessage } from './messages.js';
import { makeCoalescedLookups } from './pg-lookups.js';

export interface Store extends AccountLookup, MessageAcceptor {
  db: Db;
  /** Run writes in one transaction: the group commit on SQLite, a plain transaction on PostgreSQL. */
  inTransaction<T>(work: (q: Q) => Promise<T>): Promise<T>;
}

export function makeStore(db: Db, clock: Clock): Store {
  const k = db.kysely;
  const group = db.dialect === 'sqlite' ? new GroupCommit(k) : undefined;
  const inTransaction = <T>(work: (q: Q) => Promise<T>): Promise<T> =>
    group ? group.run(work) : k.transaction().execute(work);

  const lookups: AccountLookup = group
    ? { byUsername: (u) => findAccountByUsername(k, u), byNumber: (n) => findAccountByNumber(k, n) }
    : makeCoalescedLookups(k);

  return {
    db,
    inTransaction,
    byUsername: lookups.byUsername,
    byNumber: lookups.byNumber,
    accept: async (m: NewMessage, jobs: readonly JobKind[], lease?: JobLease) => {
      if (!group) {
        const id = await acceptInOneStatement(k, m, jobs, clock.now(), lease);
        if (id === undefined) throw notEnoughCredit();
        return id;
      }
      return group.run(async (q) => {
        // The charge comes first: a refusal must happen before this unit's first write (group-commit.ts).
        if (m.chargeMicros > 0 && m.senderAccountId !== null) {
          if (!(await chargeCredit(q, m.senderAccountId, m.chargeMicros))) throw notEnoughCredit();
        }
        const now = clock.now();
        const id = await insertMessage(q, m, now);
        await insertJobs(q, jobs, id, now, lease);
        return id;
      });
    },
  };
}
