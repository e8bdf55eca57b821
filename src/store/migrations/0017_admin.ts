/**
 * The admin API's bearer tokens (only a SHA-256 of each is kept: the token itself is shown once, when
 * it is made) and the bounded log of inbound carrier webhooks that were refused or ignored.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';
import { idColumn } from './helpers.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('admin_tokens')
    .$call(idColumn(dialect))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('read_only', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema
    .createTable('refused_webhooks')
    .$call(idColumn(dialect))
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text', (c) => c.notNull())
    .execute();
}
