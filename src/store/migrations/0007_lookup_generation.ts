/**
 * A generation number for the embedded store's lookup cache (store/engine/lookup-cache.ts): one row whose
 * value SQLite triggers raise whenever something a cached lookup returns may have changed: an
 * account's username, password hash or region, an account added or removed, its numbers, and whether
 * it has push devices. Credit is not cached (the charge is checked in the write), so its updates do
 * not count. Triggers fire for every writer, this process or another one (the CLI beside the server),
 * so the cache needs one read of this row per event-loop turn to know it is current.
 *
 * PostgreSQL gets the table too (one schema on both engines) but no triggers: its lookups are not
 * cached (several instances; store/engine/pg-lookups.ts batches them instead). `store copy` leaves the row
 * alone: each store has its own.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';

const BUMP = 'update lookup_generation set value = value + 1 where id = 1';

/** [trigger name, event] pairs: every change that can alter a cached account or device answer. */
const TRIGGERS: Array<[string, string]> = [
  ['accounts_gen_insert', 'after insert on accounts'],
  ['accounts_gen_delete', 'after delete on accounts'],
  ['accounts_gen_update', 'after update of id, username, password_hash, region on accounts'],
  ['account_numbers_gen_insert', 'after insert on account_numbers'],
  ['account_numbers_gen_delete', 'after delete on account_numbers'],
  ['account_numbers_gen_update', 'after update on account_numbers'],
  ['push_tokens_gen_insert', 'after insert on push_tokens'],
  ['push_tokens_gen_delete', 'after delete on push_tokens'],
  ['push_tokens_gen_update', 'after update of account_id on push_tokens'],
];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('lookup_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into lookup_generation (id, value) values (1, 0)`.execute(db);
  if (dialect !== 'sqlite') return;
  for (const [name, event] of TRIGGERS) {
    await sql.raw(`create trigger ${name} ${event} begin ${BUMP}; end`).execute(db);
  }
}
