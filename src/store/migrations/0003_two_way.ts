/**
 * Two-way messaging: the devices' push tokens, carrier-retry dedupe for inbound messages,
 * and an index for the unread count sent as the push badge.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // One row per account and app installation (`selector`, push_token_reporter doc): the three token
  // pairs the app reports (push_token_reporter doc), upserted on every report.
  await db.schema
    .createTable('push_tokens')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('installid', 'text')
    .addColumn('token', 'text')
    .addColumn('appid', 'text')
    .addColumn('token_calls', 'text')
    .addColumn('appid_calls', 'text')
    .addColumn('token_other', 'text')
    .addColumn('appid_other', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_tokens_pk', ['account_id', 'selector'])
    .execute();

  // `<carrier>|<carrier message id>` for messages that came from a carrier: a carrier's retry of the
  // same message hits the unique index and is stored once. NULL for everything else (both engines let
  // a unique index hold many NULLs). Also used as `dn|<message id>|<kind>` so a disposition
  // notification is relayed once however many receipts arrive.
  await db.schema.alterTable('messages').addColumn('inbound_key', 'text').execute();
  await db.schema.createIndex('messages_inbound_key').on('messages').column('inbound_key').unique().execute();

  // The push badge counts an account's unread messages on every push: a partial index keeps that
  // count proportional to the unread ones, not to the account's whole history.
  await db.schema
    .createIndex('messages_unread')
    .on('messages')
    .column('recipient_account_id')
    .where(sql.ref('displayed'), '=', 0)
    .execute();
}
