/**
 * The timeline of each message (domain/timeline.ts): an append-only table of events, read by message
 * in time order (`message_events_message`), pruned by age (`message_events_at`) and deleted with its
 * message (the foreign key cascades: an account purge or any other deletion of messages takes their
 * events along). `once` is set only for events stored once per message and key (a device's first
 * fetch); the partial unique index makes a repeat a no-op (`on conflict do nothing`) and costs
 * nothing for the other rows.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('message_events')
    .$call(idColumn(dialect))
    .addColumn('message_id', 'bigint', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('once', 'text')
    .execute();
  await db.schema
    .createIndex('message_events_message')
    .on('message_events')
    .columns(['message_id', 'at'])
    .execute();
  await db.schema.createIndex('message_events_at').on('message_events').columns(['at']).execute();
  await db.schema
    .createIndex('message_events_once')
    .unique()
    .on('message_events')
    .columns(['message_id', 'once'])
    .where(sql.ref('once'), 'is not', null)
    .execute();
}
