/**
 * The store: Kysely statements composed into the ports the use-cases need (`app/ports.ts`).
 * On SQLite, writes on the send path go through group commit (the accepts of a batch as one multi-row
 * insert, store/sql/accept-sqlite.ts), and account and device lookups are cached (store/engine/lookup-cache.ts). On PostgreSQL the accepts of one
 * event-loop turn are one statement in autocommit (store/sql/accept-pg-batch.ts; a lone one is store/sql/accept-pg.ts):
 * one round trip instead of five per message. Account lookups are coalesced the same way (store/engine/pg-lookups.ts).
 */
import type {
  Accepted,
  AccountLookup,
  Clock,
  JobKind,
  JobLease,
  MessageAcceptor,
  NewMessage,
} from '../../app/ports.js';
import type { Db } from '../engine/db.js';
import { type CommitObserver, GroupCommit } from '../engine/group-commit.js';
import { makeCachedLookups } from '../engine/lookup-cache.js';
import { makeCoalescedLookups } from '../engine/pg-lookups.js';
import { makeBatchedAccept } from '../sql/accept-pg-batch.js';
import { type AcceptItem, acceptAll } from '../sql/accept-sqlite.js';
import type { Q } from '../sql/accounts.js';
import { hasPushTokens } from '../sql/push-tokens.js';

export interface Store extends AccountLookup, MessageAcceptor {
  db: Db;
  /** Run writes in one transaction: the group commit on SQLite, a plain transaction on PostgreSQL. */
  inTransaction<T>(work: (q: Q) => Promise<T>): Promise<T>;
  /** Has the account a device with a push token? (Asked on every on-net send.) */
  hasDevices(accountId: number): Promise<boolean>;
}

/**
 * @param onCommit told after each group commit of the embedded store (its size and duration, for the
 *   metrics); PostgreSQL has no group commit, so it is never called there.
 */
export function makeStore(db: Db, clock: Clock, onCommit?: CommitObserver): Store {
  const k = db.kysely;
  const group = db.dialect === 'sqlite' ? new GroupCommit(k, 1000, onCommit) : undefined;
  const inTransaction = <T>(work: (q: Q) => Promise<T>): Promise<T> =>
    group ? group.run(work) : k.transaction().execute(work);

  // SQLite: the accepts of one group-commit batch are one lane (store/sql/accept-sqlite.ts: charged one by one,
  // stored by one multi-row insert). PostgreSQL: the batched statement charges, stores and enqueues at once.
  const acceptLane = group?.lane((trx, items: AcceptItem[]) => acceptAll(trx, items, clock.now()));
  // One accept serves both of the port's: without a lease, and with one (which also tells the job).
  const acceptAny: (message: NewMessage, jobs: readonly JobKind[], lease?: JobLease) => Promise<Accepted> =
    acceptLane
      ? (message, jobs, lease) => acceptLane({ message, jobs, lease })
      : makeBatchedAccept(k, () => clock.now());
  const accept: MessageAcceptor['accept'] = async (message, jobs) => (await acceptAny(message, jobs)).id;
  // SQLite: remembered between requests, dropped when a trigger says something changed (store/engine/lookup-cache.ts).
  const cached = group ? makeCachedLookups(k) : undefined;
  const lookups: AccountLookup = cached ?? makeCoalescedLookups(k);

  return {
    db,
    inTransaction,
    byUsername: lookups.byUsername,
    byNumber: lookups.byNumber,
    hasDevices: cached ? cached.hasDevices : (id) => hasPushTokens(k, id),
    accept,
    acceptLeased: acceptAny,
  };
}
