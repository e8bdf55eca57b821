/**
 * Accepting a message on PostgreSQL in one statement: charge, insert the message, insert its jobs.
 *
 * As a transaction that was five round trips (BEGIN, charge, insert message, insert jobs, COMMIT), each
 * holding a pooled connection while the next one travels. One statement in autocommit is atomic as
 * well, and costs one round trip. Data-modifying CTEs all run, on one snapshot, in the one statement
 * (PostgreSQL manual, "WITH Queries", 7.8.4):
 *
 *   with charged as (update accounts set credit_micros = credit_micros - $price
 *                    where id = $sender and (credit_micros is null or credit_micros >= $price)
 *                    returning id),
 *        msg as (insert into messages (…) select $… from charged returning id),
 *        job as (insert into jobs (…) select k, msg.id, … from msg, unnest($kinds::text[]) k),
 *        ev as (insert into message_events (…) select msg.id, … from msg, json_array_elements($events))
 *   select id from msg
 *
 * The charge keeps its meaning: the update takes the account's row lock, and a concurrent charge that
 * waited on it re-checks `credit_micros >= $price` on the new row (READ COMMITTED re-evaluation), so
 * two instances can never take one account below zero (test/store/credit-race.test.ts). No row back
 * means the charge was refused, and nothing was written. Without a charge the message insert selects
 * from no table (one row). The SQLite path keeps its group commit (store/adapters/store.ts).
 *
 * The message's columns, placeholders and casts are generated from the one declaration of a message
 * insert (store/sql/message-columns.ts), and checked against the values on first use (prepareRaw).
 */
import type { Accepted, JobKind, JobLease, NewMessage } from '../../app/ports.js';
import { prepareRaw } from '../engine/prepared.js';
import type { Q } from './accounts.js';
import { INSERT_COLUMNS, NOW } from './message-columns.js';

// Parameters: the message's values in declared order ($1 … $n: every inserted column the message
// fills), then the time, the job kinds, the jobs' attempts, lease owner and lease end.
const filled = INSERT_COLUMNS.filter((c) => typeof c.insert === 'function');
const at = (column: string) => `$${filled.findIndex((c) => c.column === column) + 1}`;
const now = `$${filled.length + 1}::bigint`;
const [kinds, attempts, owner, leaseEnd] = [2, 3, 4, 5].map((i) => `$${filled.length + i}`);
const PRICE = `${at('charge_micros')}::bigint`;
const SENDER = `${at('sender_account_id')}::integer`;

/** The message's insert: its columns, and the value of each (a parameter, the time, or a constant). */
const INSERT = `insert into messages (${INSERT_COLUMNS.map((c) => c.column).join(', ')})
    select ${INSERT_COLUMNS.map((c) =>
      c.insert === NOW ? now : typeof c.insert === 'number' ? String(c.insert) : `${at(c.column)}::${c.pg}`,
    ).join(', ')}`;

const JOBS = `job as (
    insert into jobs (kind, ref_id, run_at, attempts, created_at, locked_by, locked_until)
    select k, msg.id, coalesce(${leaseEnd}::bigint, ${now}), ${attempts}::integer, ${now}, ${owner}::text,
      ${leaseEnd}::bigint
    from msg, unnest(${kinds}::text[]) as k
    returning id
  )
  select msg.id, (select min(id) from job) as job_id from msg`;

const WITH_CHARGE = `with charged as (
    update accounts set credit_micros = credit_micros - ${PRICE}
    where id = ${SENDER} and (credit_micros is null or credit_micros >= ${PRICE})
    returning id
  ), msg as (
    ${INSERT} from charged returning id
  ), ${JOBS}`;

// The same without the charge: the insert selects from no table, so it writes exactly one row.
const WITHOUT_CHARGE = `with msg as (
    ${INSERT} returning id
  ), ${JOBS}`;

interface Args {
  m: NewMessage;
  jobs: readonly JobKind[];
  now: number;
  lease: JobLease | undefined;
}

const params = ({ m, jobs, now, lease }: Args): unknown[] => {
  const values: unknown[] = [];
  for (const c of filled) values.push((c.insert as (m: NewMessage) => unknown)(m));
  values.push(now, jobs, lease ? 1 : 0, lease?.owner ?? null, lease ? now + lease.ms : null);
  return values;
};

type Row = { id: number; job_id: number | null };
const withCharge = prepareRaw<Args, Row>(WITH_CHARGE, params);
const withoutCharge = prepareRaw<Args, Row>(WITHOUT_CHARGE, params);

/** The generated SQL of both forms (for tests: its placeholders and columns follow the declaration). */
export const ACCEPT_SQL = { withCharge: WITH_CHARGE, withoutCharge: WITHOUT_CHARGE };

/**
 * Charge (when the message costs something), store the message and enqueue `jobs` (leased to `lease`
 * when given) in one statement. Resolves with the message id and, when leased, its first job's id; or
 * undefined when the charge was refused.
 */
export async function acceptInOneStatement(
  q: Q,
  m: NewMessage,
  jobs: readonly JobKind[],
  now: number,
  lease?: JobLease,
): Promise<Accepted | undefined> {
  const charge = m.chargeMicros > 0 && m.senderAccountId !== null;
  const r = await (charge ? withCharge : withoutCharge).run(q, { m, jobs, now, lease });
  const row = r.rows[0];
  return row && accepted(row.id, row.job_id, lease);
}

/** What an accept resolves with: the message id, and its first job's id when the jobs were leased. */
export const accepted = (id: number, job: number | null, lease: JobLease | undefined): Accepted => ({
  id: Number(id),
  leasedJob: lease && job !== null ? Number(job) : undefined,
});
