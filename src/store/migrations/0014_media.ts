/**
 * The media store's metadata (the files themselves live under `<dataDir>/media/`, store/adapters/media-fs.ts)
 * and the server's settings table, which holds the generated media URL secret when `media.secret` is
 * unset, so every instance on one database signs alike and URLs survive a restart.
 *
 * The id is random and unguessable (128 bits, base64url); `account_id` has no foreign key: media may
 * outlive its account until the retention sweep (or `account remove --purge`) deletes it.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('filename', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_account').on('media').columns(['account_id']).execute();
  await db.schema.createIndex('media_created').on('media').columns(['created_at']).execute();
  await db.schema
    .createTable('settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
