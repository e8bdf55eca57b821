/**
 * What a message's `accepted` event carried, kept on the message row instead of a `message_events` row
 * of its own (docs/timeline.md, "The accepted event"):
 *
 * - `request_id`: the HTTP request that carried the Send Message, as the log names it; `''` when the
 *   send came with none. Null for every message Send Message did not store (inbound messages, notices)
 *   and for messages stored before this migration, whose `accepted` event is a row of its own.
 * - `refunded_micros`: the part of the charge given back (a refusal or a give-up zeroes
 *   `charge_micros`), so the price the message was accepted at is `charge_micros + refunded_micros`
 *   for as long as the message lives, even after the `refund` event is pruned. Written only by the
 *   refund, never by the send.
 *
 * Both are added without rewriting the table: a nullable column, and a constant default (SQLite's
 * ALTER TABLE ADD COLUMN, https://www.sqlite.org/lang_altertable.html; PostgreSQL 11+ stores a
 * non-volatile default in the catalogue, https://www.postgresql.org/docs/current/sql-altertable.html).
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('messages').addColumn('request_id', 'text').execute();
  await db.schema
    .alterTable('messages')
    .addColumn('refunded_micros', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}
