/**
 * `textbridge store copy --to postgres://…`: move an embedded store into PostgreSQL, for a provider
 * that outgrows one machine.
 *
 * Generic by table list: every table the migrations made in the SQLite file is copied, whatever issue
 * added it, with its ids kept (an sms_id the app already holds must still mean the same message).
 * Then each PostgreSQL id sequence is moved past the largest copied id, so the next message continues
 * the numbering. The whole copy is one PostgreSQL transaction: a failed copy leaves nothing behind.
 * The source is read inside one SQLite read transaction, so it is a consistent snapshot even when a
 * server is still writing (stop it first anyway, or messages accepted after the snapshot stay behind).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { migrate } from '../migrations/index.js';
import type { Db } from './db.js';

/** Parents first, so foreign keys hold row by row; tables not named here follow in name order. */
const FIRST = ['accounts', 'account_numbers', 'messages', 'message_events'];
/**
 * Bookkeeping the target has its own of, written by `migrate`: the migrator's tables, SQLite's, and the
 * lookup cache's generation row (migration 0007).
 */
const SKIP = /^(kysely_|sqlite_|lookup_generation$)/;
const BATCH = 500;

export interface CopyOptions {
  /** Replace whatever the target holds (its textbridge tables are emptied first). */
  force?: boolean;
}

/** Rows copied per table. */
export type CopyReport = Record<string, number>;

/** Thrown when the target already holds accounts and `force` is not set. */
export class TargetNotEmpty extends Error {
  override readonly name = 'TargetNotEmpty';
}

// biome-ignore lint/suspicious/noExplicitAny: tables are discovered at run time, not typed in store/sql/schema.ts
type AnyDb = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type AnyTrx = Transaction<any>;
type Row = Record<string, unknown>;

/** Copy every table of the SQLite store `from` into the PostgreSQL store `to` (migrated first). */
export async function copyStore(from: Db, to: Db, opts: CopyOptions = {}): Promise<CopyReport> {
  if (from.dialect !== 'sqlite') throw new Error('store copy reads an embedded (SQLite) store');
  if (to.dialect !== 'postgres') throw new Error('store copy writes to PostgreSQL: --to postgres://…');
  await migrate(from);
  await migrate(to);
  const src = from.kysely as AnyDb;
  const dst = to.kysely as AnyDb;

  const sourceTables = await sqliteTables(src);
  const targetTables = new Set(await postgresTables(dst));
  const missing = sourceTables.filter((t) => !targetTables.has(t));
  if (missing.length > 0) throw new Error(`the target has no table ${missing.join(', ')}: is it migrated?`);

  // Read only: a deferred transaction, so a server still writing to the file is not locked out.
  return src
    .transaction()
    .setAccessMode('read only')
    .execute((reader) =>
      dst.transaction().execute(async (writer) => {
        const accounts = await writer
          .selectFrom('accounts')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirst();
        if (Number(accounts?.n ?? 0) > 0) {
          if (!opts.force) {
            throw new TargetNotEmpty('the target already has accounts; --force replaces its contents');
          }
          const list = sourceTables.map((t) => sql.id(t));
          await sql`truncate ${sql.join(list)} restart identity cascade`.execute(writer);
        }
        const report: CopyReport = {};
        for (const table of sourceTables) {
          report[table] = await copyTable(reader, writer, table);
          await resetSequence(writer, table);
        }
        return report;
      }),
    );
}

async function sqliteTables(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' order by name`.execute(db);
  const names = rows.map((r) => r.name).filter((n) => !SKIP.test(n));
  return [...FIRST.filter((t) => names.includes(t)), ...names.filter((t) => !FIRST.includes(t))];
}

async function postgresTables(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Copy one table in key order, BATCH rows per insert (well under PostgreSQL's 65,535 parameters): by
 * rowid, or for a `WITHOUT ROWID` table (https://www.sqlite.org/withoutrowid.html) by its primary key,
 * each page starting after the last row of the one before (a row-value comparison).
 */
async function copyTable(reader: AnyTrx, writer: AnyTrx, table: string): Promise<number> {
  const pk = await withoutRowidKey(reader, table);
  // `select *` leaves a rowid out: it is read beside the columns, as `__rowid`, and dropped again.
  const key = pk ?? ['__rowid'];
  const order = pk ? sql.join(pk.map((c) => sql.ref(c))) : sql.raw('rowid');
  const rowid = pk ? sql`` : sql`rowid as "__rowid",`;
  let last: unknown[] | undefined;
  let count = 0;
  for (;;) {
    const after = last ? sql`where (${order}) > (${sql.join(last)})` : sql``;
    const { rows } = await sql<Row>`select ${rowid} * from ${sql.table(table)} ${after}
      order by ${order} limit ${BATCH}`.execute(reader);
    if (rows.length === 0) return count;
    const end = rows[rows.length - 1]!;
    last = key.map((c) => end[c]);
    const values = pk ? rows : rows.map(({ __rowid: _, ...rest }) => rest);
    await writer.insertInto(table).values(values).execute();
    count += rows.length;
  }
}

/** The primary key's columns, in key order, of a `WITHOUT ROWID` table; undefined for a rowid table. */
async function withoutRowidKey(reader: AnyTrx, table: string): Promise<string[] | undefined> {
  const { rows } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = ${table}`.execute(reader);
  if (!/without\s+rowid\s*$/i.test(rows[0]?.sql ?? '')) return undefined;
  const pk = await sql<{ name: string }>`
    select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(reader);
  return pk.rows.map((r) => r.name);
}

/** setval(id sequence, max(id) + 1, false) for a table with a serial id; others have none. */
async function resetSequence(writer: AnyTrx, table: string): Promise<void> {
  // Asked through information_schema: pg_get_serial_sequence on a missing column would abort the
  // whole transaction.
  const { rows } = await sql<{ seq: string | null }>`
    select pg_get_serial_sequence(quote_ident(table_name), column_name) as seq
    from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and column_name = 'id'`.execute(writer);
  const seq = rows[0]?.seq;
  if (!seq) return;
  await sql`select setval(${seq}::regclass, coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(
    writer,
  );
}
