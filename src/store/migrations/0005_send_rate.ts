/**
 * Messages sent per account in the current minute, so `limits.sendPerMinute` holds across instances.
 * One row per account that has sent, with its fixed window; written only when the limit
 * is configured.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('send_counts')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('window_until', 'bigint', (c) => c.notNull())
    .execute();
}
