/**
 * Group accept for PostgreSQL: the messages accepted during one turn of the event loop are charged,
 * stored and enqueued by one statement, the way the embedded store groups them into one transaction
 * (store/engine/group-commit.ts); the turn's batch is store/engine/per-turn.ts. Each caller is answered only after that statement committed (autocommit), so a
 * 2xx still means "on disk".
 *
 * The statement takes one array per column (`unnest(…) with ordinality`), gives each message its id
 * from the sequence, charges each sender the sum of its messages in the batch, and stores only the
 * messages whose sender could pay (or that cost nothing). Its columns, placeholders and casts are
 * generated from the one declaration of a message insert (store/sql/message-columns.ts):
 *
 *   with req as (select r.*, nextval('messages_id_seq') as id
 *                from unnest($1::integer[], …) with ordinality r(sender_account_id, …, ord)),
 *        totals as (select sender, sum(charge_micros) from req where charge_micros > 0 … group by sender),
 *        charged as (update accounts … credit_micros >= total … returning id),
 *        ok as (select * from req where charge_micros = 0 or sender is null or sender in (… charged)),
 *        msg as (insert into messages … select … from ok),
 *        job as (insert into jobs … select … from ok, unnest(string_to_array(kinds, ',')) returning …)
 *   select ord, id, (its first job's id) from ok left join (… from job group by ref_id)
 *
 * A sender whose batch total does not fit gets each of its messages tried again alone
 * (store/sql/accept-pg.ts), so credit is still checked message by message and never goes below zero (the row
 * lock and READ COMMITTED re-check hold as for one message). A data error (SQLSTATE class 22 or 23:
 * the statement certainly did not commit) also falls back to one statement per message, so one bad
 * message fails alone; any other error (a lost connection: did it commit?) fails the batch, unretried.
 */
import type { Kysely } from 'kysely';
import type { Accepted, JobKind, JobLease, NewMessage } from '../../app/ports.js';
import { notEnoughCredit } from '../../errors.js';
import { PerTurn } from '../engine/per-turn.js';
import { prepareRaw } from '../engine/prepared.js';
import { accepted, acceptInOneStatement } from './accept-pg.js';
import { INSERT_COLUMNS, NOW } from './message-columns.js';
import type { DB } from './schema.js';

// Parameters: one array per column the message fills ($1 … $n, in declared order), then the arrays
// of job kinds (comma-joined), lease owners and lease ends, then the time.
const filled = INSERT_COLUMNS.filter((c) => typeof c.insert === 'function');
const n = filled.length;
const now = `$${n + 4}::bigint`;

const SQL = `with req as (
    select r.*, nextval('messages_id_seq') as id
    from unnest(${filled.map((c, i) => `$${i + 1}::${c.pg}[]`).join(', ')},
                $${n + 1}::text[], $${n + 2}::text[], $${n + 3}::bigint[])
      with ordinality as r(${filled.map((c) => c.column).join(', ')}, kinds, locked_by, locked_until, ord)
  ), totals as (
    select sender_account_id as sender, sum(charge_micros)::bigint as total from req
    where charge_micros > 0 and sender_account_id is not null group by sender_account_id
  ), charged as (
    update accounts a set credit_micros = a.credit_micros - t.total from totals t
    where a.id = t.sender and (a.credit_micros is null or a.credit_micros >= t.total)
    returning a.id
  ), ok as (
    select * from req
    where charge_micros = 0 or sender_account_id is null or sender_account_id in (select id from charged)
  ), msg as (
    insert into messages (id, ${INSERT_COLUMNS.map((c) => c.column).join(', ')})
    select id, ${INSERT_COLUMNS.map((c) =>
      c.insert === NOW ? now : typeof c.insert === 'number' ? String(c.insert) : c.column,
    ).join(', ')} from ok
  ), job as (
    insert into jobs (kind, ref_id, run_at, attempts, created_at, locked_by, locked_until)
    select k, ok.id, coalesce(ok.locked_until, ${now}), case when ok.locked_by is null then 0 else 1 end, ${now},
      ok.locked_by, ok.locked_until
    from ok cross join lateral unnest(string_to_array(ok.kinds, ',')) as k
    returning id, ref_id
  )
  select ok.ord, ok.id, j.job_id from ok
    left join (select ref_id, min(id) as job_id from job group by ref_id) as j on j.ref_id = ok.id`;

/** The generated SQL (for tests: its placeholders and columns follow the declaration). */
export const ACCEPT_BATCH_SQL = SQL;

type Row = { ord: number; id: number; job_id: number | null };
const statement = prepareRaw<{ batch: readonly Item[]; now: number }, Row>(SQL, ({ batch, now: t }) => {
  const values: unknown[] = [];
  for (const c of filled) {
    const value = c.insert as (m: NewMessage) => unknown;
    values.push(batch.map((it) => value(it.m)));
  }
  values.push(
    batch.map((it) => it.jobs.join(',')),
    batch.map((it) => it.lease?.owner ?? null),
    batch.map((it) => (it.lease ? t + it.lease.ms : null)),
    t,
  );
  return values;
});

interface Item {
  m: NewMessage;
  jobs: readonly JobKind[];
  lease: JobLease | undefined;
  resolve(a: Accepted): void;
  reject(e: unknown): void;
}

/** Most messages per statement. */
const MAX_BATCH = 500;

/** `accept` for PostgreSQL, grouping the messages of one event-loop turn into one statement. */
export function makeBatchedAccept(q: Kysely<DB>, now: () => number) {
  const alone = (it: Item, t: number) =>
    acceptInOneStatement(q, it.m, it.jobs, t, it.lease).then(
      (id) => (id === undefined ? it.reject(notEnoughCredit()) : it.resolve(id)),
      it.reject,
    );

  async function flush(batch: Item[]): Promise<void> {
    const t = now();
    if (batch.length === 1) return alone(batch[0]!, t);
    let rows: Row[];
    try {
      const r = await statement.run(q, { batch, now: t });
      rows = r.rows;
    } catch (e) {
      const code = String((e as { code?: unknown }).code ?? '');
      if (code.startsWith('22') || code.startsWith('23')) {
        await Promise.all(batch.map((it) => alone(it, t)));
      } else {
        for (const it of batch) it.reject(e);
      }
      return;
    }
    const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
    await Promise.all(
      batch.map((it, i) => {
        const r = byOrd.get(i + 1);
        // Not stored: its sender's batch total did not fit; try it alone (the charge decides).
        return r === undefined ? alone(it, t) : it.resolve(accepted(r.id, r.job_id, it.lease));
      }),
    );
  }

  const turn = new PerTurn<Item[]>(
    () => [],
    (batch) => {
      flush(batch).catch((e: unknown) => {
        for (const it of batch) it.reject(e);
      });
    },
  );

  return (m: NewMessage, jobs: readonly JobKind[], lease?: JobLease): Promise<Accepted> =>
    new Promise<Accepted>((resolve, reject) => {
      const batch = turn.current();
      batch.push({ m, jobs, lease, resolve, reject });
      if (batch.length >= MAX_BATCH) turn.close();
    });
}
