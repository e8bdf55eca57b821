/**
 * Failed logins counted in the database, so the login throttle holds across instances.
 * One row per throttled key (`u:<username>`, `ip:<address>`) with its fixed window; rows are written
 * only on a failure, so a correct login never touches this table.
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../engine/db.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('auth_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_until', 'bigint', (c) => c.notNull())
    .execute();
  // The sweep of ended windows reads by end time.
  await db.schema.createIndex('auth_failures_until').on('auth_failures').column('window_until').execute();
}
