/**
 * Group accept for PostgreSQL: the messages accepted during one turn of the event loop are charged,
 * stored and enqueued by one statement, the way the embedded store groups them into one transaction
 * (store/engine/group-commit.ts). Each caller is answered only after that statement committed (autocommit), so a
 * 2xx still means "on disk".
 *
 * The statement takes one array per column (`unnest(…) with ordinality`), gives each message its id
 * from the sequence, charges each sender the sum of its messages in the batch, and stores only the
 * messages whose sender could pay (or that cost nothing):
 *
 *   with req as (select r.*, nextval('messages_id_seq') as id from unnest($1…) with ordinality r(…)),
 *        totals as (select sender, sum(price) from req where price > 0 … group by sender),
 *        charged as (update accounts … credit_micros >= total … returning id),
 *        ok as (select * from req where price = 0 or sender is null or sender in (select id from charged)),
 *        msg as (insert into messages … select … from ok),
 *        job as (insert into jobs … select … from ok, unnest(string_to_array(kinds, ',')))
 *   select ord, id from ok
 *
 * A sender whose batch total does not fit gets each of its messages tried again alone
 * (store/sql/accept-pg.ts), so credit is still checked message by message and never goes below zero (the row
 * lock and READ COMMITTED re-check hold as for one message). A data error (SQLSTATE class 22 or 23:
 * the statement certainly did not commit) also falls back to one statement per message, so one bad
 * message fails alone; any other error (a lost connection: did it commit?) fails the batch, unretried.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { JobKind, JobLease, NewMessage } from '../../app/ports.js';
import { notEnoughCredit } from '../../errors.js';
import { acceptInOneStatement } from './accept-pg.js';
import type { DB } from './schema.js';

const SQL = `with req as (
    select r.*, nextval('messages_id_seq') as id
    from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::integer[], $11::text[], $12::integer[], $13::text[],
                $14::text[], $15::bigint[])
      with ordinality as r(price, sender, recipient, from_addr, to_addr, to_raw, body, content_type,
                           disposition, smart, status, segments, kinds, locked_by, locked_until, ord)
  ), totals as (
    select sender, sum(price)::bigint as total from req
    where price > 0 and sender is not null group by sender
  ), charged as (
    update accounts a set credit_micros = a.credit_micros - t.total from totals t
    where a.id = t.sender and (a.credit_micros is null or a.credit_micros >= t.total)
    returning a.id
  ), ok as (
    select * from req where price = 0 or sender is null or sender in (select id from charged)
  ), msg as (
    insert into messages (id, sender_account_id, recipient_account_id, from_addr, to_addr, to_raw, body,
      content_type, disposition_notification, smart, status, segments, charge_micros, attempts,
      displayed, created_at, updated_at)
    select id, sender, recipient, from_addr, to_addr, to_raw, body, content_type, disposition, smart,
      status, segments, price, 0, 0, $16::bigint, $16::bigint from ok
  ), job as (
    insert into jobs (kind, ref_id, run_at, attempts, created_at, locked_by, locked_until)
    select k, ok.id, $16::bigint, case when ok.locked_by is null then 0 else 1 end, $16::bigint,
      ok.locked_by, ok.locked_until
    from ok cross join lateral unnest(string_to_array(ok.kinds, ',')) as k
  )
  select ord, id from ok`;

interface Item {
  m: NewMessage;
  jobs: readonly JobKind[];
  lease: JobLease | undefined;
  resolve(id: number): void;
  reject(e: unknown): void;
}

/** Most messages per statement. */
const MAX_BATCH = 500;

/** `accept` for PostgreSQL, grouping the messages of one event-loop turn into one statement. */
export function makeBatchedAccept(q: Kysely<DB>, now: () => number) {
  let pending: Item[] | undefined;

  const alone = (it: Item, t: number) =>
    acceptInOneStatement(q, it.m, it.jobs, t, it.lease).then(
      (id) => (id === undefined ? it.reject(notEnoughCredit()) : it.resolve(id)),
      it.reject,
    );

  async function flush(batch: Item[]): Promise<void> {
    const t = now();
    if (batch.length === 1) return alone(batch[0]!, t);
    const col = <V>(f: (it: Item) => V) => batch.map(f);
    let rows: Array<{ ord: number; id: number }>;
    try {
      const r = await q.executeQuery<{ ord: number; id: number }>(
        CompiledQuery.raw(SQL, [
          col((it) => it.m.chargeMicros),
          col((it) => it.m.senderAccountId),
          col((it) => it.m.recipientAccountId),
          col((it) => it.m.from),
          col((it) => it.m.to),
          col((it) => it.m.toRaw),
          col((it) => it.m.body),
          col((it) => it.m.contentType),
          col((it) => it.m.dispositionNotification),
          col((it) => (it.m.smart ? 1 : 0)),
          col((it) => it.m.status),
          col((it) => it.m.segments),
          col((it) => it.jobs.join(',')),
          col((it) => it.lease?.owner ?? null),
          col((it) => (it.lease ? t + it.lease.ms : null)),
          t,
        ]),
      );
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
    const ids = new Map(rows.map((r) => [Number(r.ord), Number(r.id)]));
    await Promise.all(
      batch.map((it, i) => {
        const id = ids.get(i + 1);
        // Not stored: its sender's batch total did not fit; try it alone (the charge decides).
        return id === undefined ? alone(it, t) : it.resolve(id);
      }),
    );
  }

  return (m: NewMessage, jobs: readonly JobKind[], lease?: JobLease): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      if (!pending) {
        const batch: Item[] = [];
        pending = batch;
        setImmediate(() => {
          if (pending === batch) pending = undefined;
          flush(batch).catch((e: unknown) => {
            for (const it of batch) it.reject(e);
          });
        });
      }
      pending.push({ m, jobs, lease, resolve, reject });
      if (pending.length >= MAX_BATCH) pending = undefined;
    });
}
