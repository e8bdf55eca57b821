/**
 * A carrier may give two messages the same id: an SMSC that restarts and counts its message ids from 1
 * again, an id counter that wraps. `carrier_refs` was keyed by (carrier, ref), so the second message's
 * row was never written and its receipts went to the first. Now each submission is its own row, with
 * the time it was accepted (`sent_at`), and a receipt goes to the most recent submission with that id
 * (`store/sql/delivery.ts` `setPartStatus`). The new key (carrier, ref, sent_at, message_id, part)
 * keeps the receipt's lookup one index search that yields the newest first.
 *
 * SQLite cannot change a primary key in place, so the table is rebuilt, the same way on both engines.
 * Rows written before have no submission time: `sent_at` 0, so any later submission wins over them,
 * and among them the newer message (the higher id).
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('carrier_refs_v2')
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
    .execute();
  await sql`insert into carrier_refs_v2 (carrier, ref, sent_at, message_id, part, status)
    select carrier, ref, 0, message_id, part, status from carrier_refs`.execute(db);
  await db.schema.dropTable('carrier_refs').execute();
  await db.schema.alterTable('carrier_refs_v2').renameTo('carrier_refs').execute();
  await db.schema.createIndex('carrier_refs_message').on('carrier_refs').column('message_id').execute();
}
