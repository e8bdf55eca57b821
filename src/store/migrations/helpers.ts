import { type CreateTableBuilder, sql } from 'kysely';
import type { Dialect } from '../engine/db.js';

/**
 * An auto-increment integer primary key on both engines: SQLite's `integer primary key autoincrement`
 * (ids are never reused, so an sms_id stays unique forever) and PostgreSQL's `bigserial`.
 */
export function idColumn(dialect: Dialect) {
  return <T extends string>(t: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> =>
    dialect === 'postgres'
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', sql`integer`, (c) => c.primaryKey().autoIncrement().notNull());
}
