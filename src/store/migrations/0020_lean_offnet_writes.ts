/**
 * Fewer B-tree writes for each message sent to an outside number:
 *
 * - `messages_recipient (recipient_account_id, id)` and `messages_unread (… where displayed = 0)` hold
 *   only rows with a recipient account. A message to an outside number has none, and its NULL entry
 *   was one more index insert per send (two, as such a message is never displayed) that no statement
 *   reads: every statement that looks messages up by recipient compares it with `=`, which implies
 *   `is not null`, so both engines still use the partial indexes for them
 *   (https://www.sqlite.org/partialindex.html, "Queries Using Partial Indexes";
 *   https://www.postgresql.org/docs/current/indexes-partial.html).
 * - On SQLite, `carrier_refs` becomes a `WITHOUT ROWID` table: its rows live in the primary key's
 *   B-tree, so a submission is one insert into it instead of one into the table and one into the key's
 *   own index (https://www.sqlite.org/withoutrowid.html). Receipts look rows up by a prefix of that key
 *   (carrier, ref) and `carrier_refs_message` stays. PostgreSQL has no such table kind; it keeps its table.
 *
 * Measured on the off-net bench (docs/benchmarks.md, "Outcomes in the accepts' commit, leaner writes").
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';

const HAS_RECIPIENT = sql.ref('recipient_account_id');

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.dropIndex('messages_recipient').execute();
  await db.schema
    .createIndex('messages_recipient')
    .on('messages')
    .columns(['recipient_account_id', 'id'])
    .where(HAS_RECIPIENT, 'is not', null)
    .execute();
  await db.schema.dropIndex('messages_unread').execute();
  await db.schema
    .createIndex('messages_unread')
    .on('messages')
    .columns(['recipient_account_id', 'id'])
    .where((eb) => eb.and([eb(sql.ref('displayed'), '=', 0), eb(HAS_RECIPIENT, 'is not', null)]))
    .execute();
  if (dialect !== 'sqlite') return;

  await db.schema
    .createTable('carrier_refs_v3')
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('status', 'text')
    .addPrimaryKeyConstraint('carrier_refs_submission_pk', [
      'carrier',
      'ref',
      'sent_at',
      'message_id',
      'part',
    ])
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`insert into carrier_refs_v3 (carrier, ref, sent_at, message_id, part, status)
    select carrier, ref, sent_at, message_id, part, status from carrier_refs`.execute(db);
  await db.schema.dropTable('carrier_refs').execute();
  await db.schema.alterTable('carrier_refs_v3').renameTo('carrier_refs').execute();
  await db.schema.createIndex('carrier_refs_message').on('carrier_refs').column('message_id').execute();
}
