/**
 * Event webhooks to the provider's systems (docs/webhooks.md).
 *
 * - `webhook_events`: one row per event and endpoint, the JSON body to post (`payload`) and the
 *   Standard Webhooks id (`uid`, the same on every retry). Written in the transaction of the change it
 *   reports; deleted with its job once delivered or given up. A row with no `endpoint` is a fan-out:
 *   its job writes one row per subscribed endpoint (the low-credit trigger below writes these, since
 *   it cannot read the configuration).
 * - `jobs.order_key`: jobs with the same key run one at a time, in id order (`store/sql/outbox.ts`,
 *   `claimDue`): `<endpoint>|m<message id>` or `<endpoint>|a<account id>`. Indexed on (order_key, id),
 *   partially: deliver and push jobs leave it null.
 * - `accounts_low_credit`: a trigger that writes a fan-out `account.low_credit` event when an
 *   account's credit goes from at least the threshold to below it, in the same transaction as the
 *   charge, whichever statement charged (the send path's group accept, the CLI). The threshold is the
 *   `settings` row `webhooks.lowCreditMicros`, written by the server at start; without that row the
 *   trigger writes nothing.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';
import { idColumn } from './helpers.js';

/** The `settings` row that holds the low-credit threshold (micro-units). */
export const LOW_CREDIT_SETTING = 'webhooks.lowCreditMicros';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .$call(idColumn(dialect))
    .addColumn('uid', 'text')
    .addColumn('endpoint', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('message_id', 'bigint')
    .addColumn('account_id', 'bigint')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('jobs').addColumn('order_key', 'text').execute();
  await sql`create index jobs_order on jobs (order_key, id) where order_key is not null`.execute(db);
  if (dialect === 'postgres') await lowCreditPg(db);
  else await lowCreditSqlite(db);
}

async function lowCreditSqlite(db: Kysely<unknown>): Promise<void> {
  const t = sql.raw(`(select cast(value as integer) from settings where name = '${LOW_CREDIT_SETTING}')`);
  const now = sql.raw(`cast(unixepoch('subsec') * 1000 as integer)`);
  await sql`create trigger accounts_low_credit after update of credit_micros on accounts
    when new.credit_micros < old.credit_micros and new.credit_micros < ${t} and old.credit_micros >= ${t}
    begin
      insert into webhook_events (event, account_id, payload, created_at)
        values ('account.low_credit', new.id,
          json_object('before', old.credit_micros, 'after', new.credit_micros, 'threshold', ${t}), ${now});
      insert into jobs (kind, ref_id, run_at, attempts, created_at, order_key)
        values ('webhook', last_insert_rowid(), 0, 0, ${now}, 'a' || new.id);
    end`.execute(db);
}

async function lowCreditPg(db: Kysely<unknown>): Promise<void> {
  await sql`create function textbridge_low_credit() returns trigger language plpgsql as $$
    declare
      t bigint;
      eid bigint;
      now_ms bigint := (extract(epoch from clock_timestamp()) * 1000)::bigint;
    begin
      select value::bigint into t from settings where name = ${sql.lit(LOW_CREDIT_SETTING)};
      if t is not null and old.credit_micros >= t and new.credit_micros < t then
        insert into webhook_events (event, account_id, payload, created_at)
          values ('account.low_credit', new.id,
            json_build_object('before', old.credit_micros, 'after', new.credit_micros, 'threshold', t)::text,
            now_ms)
          returning id into eid;
        insert into jobs (kind, ref_id, run_at, attempts, created_at, order_key)
          values ('webhook', eid, 0, 0, now_ms, 'a' || new.id);
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger accounts_low_credit after update of credit_micros on accounts
    for each row when (new.credit_micros < old.credit_micros)
    execute function textbridge_low_credit()`.execute(db);
}
