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
 *        job as (insert into jobs (…) select k, msg.id, … from msg, unnest($kinds::text[]) k)
 *   select id from msg
 *
 * The charge keeps its meaning: the update takes the account's row lock, and a concurrent charge that
 * waited on it re-checks `credit_micros >= $price` on the new row (READ COMMITTED re-evaluation), so
 * two instances can never take one account below zero (test/store/credit-race.test.ts). No row back
 * means the charge was refused, and nothing was written. Without a charge the message insert selects
 * from no table (one row). The SQLite path keeps its group commit (store/adapters/store.ts).
 */
import { CompiledQuery } from 'kysely';
import type { JobKind, JobLease, NewMessage } from '../../app/ports.js';
import type { Q } from './accounts.js';

const MESSAGE_COLUMNS = `sender_account_id, recipient_account_id, from_addr, to_addr, to_raw, body,
  content_type, disposition_notification, smart, status, segments, charge_micros, attempts, displayed,
  created_at, updated_at`;

// $1 price, $2 sender, $3-$12 the other message values, $13 now, then kinds, attempts, owner, lease end.
const MESSAGE_VALUES = `$2::integer, $3::integer, $4::text, $5::text, $6::text, $7::text, $8::text,
  $9::text, $10::integer, $11::text, $12::integer, $1::bigint, 0, 0, $13::bigint, $13::bigint`;

const JOBS = `job as (
    insert into jobs (kind, ref_id, run_at, attempts, created_at, locked_by, locked_until)
    select k, msg.id, $13::bigint, $15::integer, $13::bigint, $16::text, $17::bigint
    from msg, unnest($14::text[]) as k
  )
  select id from msg`;

const WITH_CHARGE = `with charged as (
    update accounts set credit_micros = credit_micros - $1::bigint
    where id = $2::integer and (credit_micros is null or credit_micros >= $1::bigint)
    returning id
  ), msg as (
    insert into messages (${MESSAGE_COLUMNS}) select ${MESSAGE_VALUES} from charged returning id
  ), ${JOBS}`;

// The same without the charge: the insert selects from no table, so it writes exactly one row.
const WITHOUT_CHARGE = `with msg as (
    insert into messages (${MESSAGE_COLUMNS}) select ${MESSAGE_VALUES} returning id
  ), ${JOBS}`;

/**
 * Charge (when the message costs something), store the message and enqueue `jobs` (leased to `lease`
 * when given) in one statement. Resolves with the message id, or undefined when the charge was refused.
 */
export async function acceptInOneStatement(
  q: Q,
  m: NewMessage,
  jobs: readonly JobKind[],
  now: number,
  lease?: JobLease,
): Promise<number | undefined> {
  const charge = m.chargeMicros > 0 && m.senderAccountId !== null;
  const params = [
    m.chargeMicros,
    m.senderAccountId,
    m.recipientAccountId,
    m.from,
    m.to,
    m.toRaw,
    m.body,
    m.contentType,
    m.dispositionNotification,
    m.smart ? 1 : 0,
    m.status,
    m.segments,
    now,
    jobs,
    lease ? 1 : 0,
    lease?.owner ?? null,
    lease ? now + lease.ms : null,
  ];
  const r = await q.executeQuery<{ id: number }>(
    CompiledQuery.raw(charge ? WITH_CHARGE : WITHOUT_CHARGE, params),
  );
  const row = r.rows[0];
  return row ? Number(row.id) : undefined;
}
