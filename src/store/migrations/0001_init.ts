/** Accounts, their numbers, messages (one row per message, both sides) and the job outbox. */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('accounts')
    .$call(idColumn(dialect))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('credit_micros', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('account_numbers')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_numbers_account').on('account_numbers').column('account_id').execute();

  await db.schema
    .createTable('messages')
    .$call(idColumn(dialect))
    .addColumn('sender_account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('recipient_account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('from_addr', 'text', (c) => c.notNull())
    .addColumn('to_addr', 'text', (c) => c.notNull())
    .addColumn('to_raw', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('disposition_notification', 'text')
    .addColumn('smart', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('charge_micros', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('carrier', 'text')
    .addColumn('carrier_ref', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('displayed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Fetch Messages reads "this account's messages after id X" on each side.
  await db.schema
    .createIndex('messages_recipient')
    .on('messages')
    .columns(['recipient_account_id', 'id'])
    .execute();
  await db.schema
    .createIndex('messages_sender')
    .on('messages')
    .columns(['sender_account_id', 'id'])
    .execute();
  await db.schema.createIndex('messages_status').on('messages').columns(['status', 'id']).execute();

  // A carrier's id for each submitted part, so a receipt (SMPP deliver_sm, HTTP status callback) finds
  // its message; a long message split into parts has one row per part.
  await db.schema
    .createTable('carrier_refs')
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('status', 'text')
    .addPrimaryKeyConstraint('carrier_refs_pk', ['carrier', 'ref'])
    .execute();
  await db.schema.createIndex('carrier_refs_message').on('carrier_refs').column('message_id').execute();

  await db.schema
    .createTable('jobs')
    .$call(idColumn(dialect))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'bigint', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['kind', 'run_at']).execute();
}
