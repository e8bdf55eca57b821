/**
 * Opening the database: SQLite (better-sqlite3) in the data folder by default, PostgreSQL (pg) when a
 * `postgres://` URL is configured. Every query goes through Kysely so both engines run the same code;
 * the few differences are flags on `Db`. pg is imported when the first PostgreSQL connection is made
 * (Kysely asks for the pool then), so a server on the embedded store never loads it (about 3 MB of
 * heap, docs/benchmarks.md "Peak RSS under 200 MB").
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type Driver, Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { DB } from '../sql/schema.js';
import { FaultDriver } from './fault-driver.js';
import { StoreFaults } from './faults.js';
import { withNamedStatements } from './pg-named.js';
import { DurableSqliteDialect, GroupSync } from './sqlite-durable.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database with its dialect. */
export interface Db {
  kysely: Kysely<DB>;
  dialect: Dialect;
  /** Where it lives, for logs: a file path, or the PostgreSQL URL without its password. */
  where: string;
  /** Faults met (disk full, I/O error, connection lost), remembered until a write succeeds again. */
  faults: StoreFaults;
  /**
   * The cheapest statement that must write to succeed, for readiness while a fault is remembered:
   * SQLite rewrites its header's `user_version` (one WAL frame, so a full disk refuses it); PostgreSQL
   * answers `select 1` (a lost connection is the fault it can see; see store/adapters/health.ts).
   */
  writeProbe(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL pool size (config `databasePoolSize`; default 20). */
  poolSize?: number;
}

export const SQLITE_FILE = 'textbridge.db';

/** Open (and create) the configured database. Migrations are separate (`migrate`). */
export function openDb(opts: OpenOptions): Db {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 20);
  return openSqlite(path.join(opts.dataDir, SQLITE_FILE));
}

/** The embedded store in `file`; `syncFd` replaces the WAL's fdatasync (tests hold it to watch the wait). */
export function openSqlite(file: string, syncFd?: (fd: number) => Promise<void>): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets the CLI read and write beside the server; a busy write lock is waited for without
  // blocking the event loop (store/engine/sqlite-durable.ts), so SQLite's own busy handler, which
  // sleeps the thread, is off.
  // Every commit is durable before its promise resolves ("a 2xx means the message is on disk"), as with
  // `synchronous=FULL`, but the fsync runs off the event loop and is shared by concurrent commits:
  // NORMAL here, and store/engine/sqlite-durable.ts fdatasyncs the WAL after each commit.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 0');
  sqlite.pragma('foreign_keys = ON');
  const faults = new StoreFaults(file);
  const dialect = new DurableSqliteDialect(
    { database: withStatementCache(sqlite) },
    new GroupSync(`${file}-wal`, syncFd),
    (driver) => new FaultDriver(driver, faults),
  );
  const kysely = new Kysely<DB>({ dialect });
  const writeProbe = async () => {
    const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(kysely);
    const version = Number(rows[0]?.user_version ?? 0);
    await sql.raw(`pragma user_version = ${version}`).execute(kysely);
  };
  return { kysely, dialect: 'sqlite', where: file, faults, writeProbe, close: () => kysely.destroy() };
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing was 10% of the send path's CPU in a
 * profile. Kysely's compiled SQL is stable per query shape (values are parameters), so prepared
 * statements are kept by SQL text. Bounded, in case some query embeds literals: past the bound the
 * oldest statement goes (once the whole cache was cleared, and every hot statement prepared again).
 * Batch statements have one text per row count; their rows go in power-of-two chunks
 * (`store/engine/batcher.ts`, `chunks`), so they stay a few dozen texts and the bound is never near.
 */
const STATEMENT_CACHE_SIZE = 500;

function withStatementCache(sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  // An own property in front of the prototype's method: every other property stays the handle's own,
  // with no proxy in the way (`inTransaction` is read after every statement, store/engine/sqlite-durable.ts).
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = prepare(source);
      // A Map iterates in insertion order: its first key is the oldest statement.
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(source, stmt);
    }
    return stmt;
  }) as Database.Database['prepare'];
  return sqlite;
}

let pgModule: Promise<typeof pg> | undefined;

/** pg, imported once, on the first PostgreSQL connection. */
function loadPg(): Promise<typeof pg> {
  pgModule ??= import('pg').then(({ default: pg }) => {
    // int8 (bigint) columns hold ms timestamps, ids and micro-units: all far below 2^53. pg returns
    // them as strings by default; parse them to numbers so both engines return numbers.
    pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
    return pg;
  });
  return pgModule;
}

function openPostgres(url: string, max: number): Db {
  const where = maskedUrl(url);
  const faults = new StoreFaults(where);
  // Kysely calls this once, before its first connection (PostgresDialectConfig's `pool` may be a
  // function returning a promise of one).
  const makePool = async () => {
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: url, max });
    // A connection the server ends (a restart, pg_terminate_backend) emits 'error' on its client, and
    // on the pool while idle; without a listener Node throws it and the process dies (node-postgres
    // docs, "Pool", events). The query that was running fails on its own; the pool drops the client.
    pool.on('error', (e) => faults.translate(e));
    pool.on('connect', (client) => client.on('error', (e) => faults.translate(e)));
    return withNamedStatements(pool);
  };
  const dialect = new FaultPostgresDialect({ pool: makePool }, faults);
  const kysely = new Kysely<DB>({ dialect });
  const writeProbe = async () => {
    await sql`select 1`.execute(kysely);
  };
  return { kysely, dialect: 'postgres', where, faults, writeProbe, close: () => kysely.destroy() };
}

class FaultPostgresDialect extends PostgresDialect {
  constructor(
    config: ConstructorParameters<typeof PostgresDialect>[0],
    private readonly faults: StoreFaults,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new FaultDriver(super.createDriver(), this.faults);
  }
}

/**
 * A PostgreSQL URL fit for a log line or the CLI's output: the password of its user part and every
 * query parameter that can carry a secret (`password`, `sslpassword`, `sslkey`, `passfile`) masked.
 */
export function maskedUrl(url: string): string {
  return url
    .replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
    .replace(/([?&](?:password|sslpassword|sslkey|passfile)=)[^&#]*/gi, '$1***');
}
