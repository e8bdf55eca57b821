/**
 * Durable commits on SQLite without blocking the event loop.
 *
 * better-sqlite3 is synchronous: with `synchronous=FULL` every commit's fsync (250-450 µs here) stops
 * the whole process, HTTP parsing and SMPP windows included; it was the largest single cost of a send.
 * So the connection runs with `synchronous=NORMAL`, where a WAL commit only write()s its frames, and
 * this module makes each commit durable itself before anyone learns of it:
 *
 * - After any writing statement that leaves the connection outside a transaction (a COMMIT, or a write
 *   in autocommit mode), the connection is marked "needs sync".
 * - When Kysely releases the connection, the connection is unlocked first (other queries may run), and
 *   the release then waits for an `fdatasync` of the WAL file that *started after* that commit. Kysely
 *   awaits the release before it resolves the query or `transaction().execute()`, so every write
 *   through Kysely resolves only once it is on disk: the same promise callers had with FULL.
 * - The fdatasync runs on libuv's thread pool, and fsyncs are grouped: two in flight at most, and
 *   every commit made while two run shares the next one.
 *
 * Why this equals FULL: in WAL mode a transaction is durable once its WAL frames (the commit frame
 * included) are on stable storage; FULL gets there with an fsync of the WAL inside COMMIT, we get there
 * with an fdatasync of the same inode after COMMIT and before the caller's promise resolves. NORMAL
 * still syncs the WAL before each checkpoint, the database after it, and the WAL header when the WAL
 * is reused (sqlite.org/pragma.html#pragma_synchronous), so checkpoints keep their own guarantees.
 * The difference: between the COMMIT and the fdatasync, other queries of this process can read the
 * rows (e.g. the dispatcher may claim the job); a power cut in that window loses a message that was
 * never acknowledged. docs/architecture.md ("Durability") has the argument in full.
 */
import { closeSync, fdatasync, fsync, openSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';

/**
 * fdatasync of one file, grouped: at most `parallel` in flight (default 2); callers arriving while that
 * many run share the next one, which starts as soon as one of them ends.
 *
 * Why two: a commit made while an fdatasync runs cannot ride on it (it may have started before the
 * commit), so with one in flight it waits for the rest of that one and then a whole one of its own.
 * The delivery path holds an SMPP window slot over exactly this wait (docs/delivery.md, crash bound);
 * a second fdatasync starting at once cuts it to one fdatasync. The kernel serves both (measured:
 * each takes a little longer, the wait is shorter). Beyond two, commits stop sharing.
 */
export class GroupSync {
  private fd: number | undefined;
  private running = 0;
  private next: { promise: Promise<void>; resolve(): void; reject(e: unknown): void } | undefined;

  constructor(
    private readonly file: string,
    private readonly syncFd: (fd: number) => Promise<void> = datasync,
    private readonly parallel = 2,
  ) {}

  /** Resolves after an fdatasync that started after this call. */
  sync(): Promise<void> {
    if (this.running < this.parallel) {
      this.running++;
      return this.run();
    }
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    return this.next.promise;
  }

  /** One fdatasync in a slot already counted in `running`; the slot goes to the waiters next. */
  private async run(): Promise<void> {
    try {
      if (this.fd === undefined) {
        this.fd = openSync(this.file, 'r');
        // The WAL file's directory entry must be durable too, once (SQLite's own DIRSYNC does this in FULL).
        await syncDirectory(path.dirname(this.file));
      }
      await this.syncFd(this.fd);
    } finally {
      const waiting = this.next;
      if (waiting) {
        this.next = undefined;
        this.run().then(waiting.resolve, waiting.reject);
      } else {
        this.running--;
      }
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
}

async function syncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    closeSync(fd);
  }
}

/**
 * Kysely's SQLite dialect with durable, non-blocking commits (above). `database` must be the
 * better-sqlite3 handle (or a proxy of it) opened with `synchronous=NORMAL` in WAL mode.
 */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig & { database: Database.Database },
    private readonly group: GroupSync,
    /** Wraps the durable driver (store/engine/fault-driver.ts). */
    private readonly wrap: (driver: Driver) => Driver = (d) => d,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return this.wrap(new DurableDriver(super.createDriver(), this.config.database, this.group));
  }
}

class DurableDriver implements Driver {
  private readonly connections = new WeakMap<DatabaseConnection, DurableConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly sqlite: Database.Database,
    private readonly group: GroupSync,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.inner.acquireConnection();
    let wrapped = this.connections.get(conn);
    if (!wrapped) {
      wrapped = new DurableConnection(conn, this.sqlite);
      this.connections.set(conn, wrapped);
    }
    return wrapped;
  }

  /**
   * `BEGIN IMMEDIATE`, not SQLite's default deferred `BEGIN`: the write lock is taken at the start, where
   * a busy lock is simply waited for (`DurableConnection`), instead of at the transaction's first write,
   * where another connection's commit since its first read would fail it with `SQLITE_BUSY_SNAPSHOT`
   * (https://www.sqlite.org/lang_transaction.html, "Read transactions versus write transactions"). The
   * CLI (`textbridge account add`, `import`…) writes beside the server. A transaction that only reads
   * says so (`setAccessMode('read only')`: `store copy` reads a snapshot while a server may still write)
   * and begins deferred, so it never holds the write lock.
   */
  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await conn.executeQuery(settings.accessMode === 'read only' ? BEGIN_READ : BEGIN);
  }

  commitTransaction(conn: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(conn);
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    // SQLite may already have rolled the transaction back itself (SQLITE_FULL, some I/O errors:
    // https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"); a
    // ROLLBACK then fails with "cannot rollback - no transaction is active" and hides the real error.
    if (!this.sqlite.inTransaction) return;
    await this.inner.rollbackTransaction(conn);
  }

  savepoint(conn: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint!(conn, name, compile);
  }

  rollbackToSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.rollbackToSavepoint!(conn, name, compile);
  }

  releaseSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.inner.releaseSavepoint!(conn, name, compile);
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const c = conn as DurableConnection;
    const needsSync = c.needsSync;
    c.needsSync = false;
    await this.inner.releaseConnection(c.inner);
    if (needsSync) await this.group.sync();
  }

  destroy(): Promise<void> {
    this.group.close();
    return this.inner.destroy();
  }
}

/**
 * Waiting for another connection's write lock (the CLI's, beside the server) without blocking the event
 * loop: the connection runs with `busy_timeout = 0`, since SQLite's own busy handler sleeps the whole
 * thread (1 ms, then longer, up to the timeout: the server answered nothing meanwhile), and here a
 * statement that found the database busy is run again after the loop's other work: at once for the
 * first tries (a short transaction takes tens to hundreds of µs), then every millisecond, for about 5 s
 * in all before the error is let through.
 */
const BUSY_TRIES = 5_050;
const BUSY_SPINS = 50;

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function busyPause(tries: number): Promise<void> {
  return new Promise((resolve) => (tries < BUSY_SPINS ? setImmediate(resolve) : setTimeout(resolve, 1)));
}

const BEGIN = CompiledQuery.raw('begin immediate');
const BEGIN_READ = CompiledQuery.raw('begin');

class DurableConnection implements DatabaseConnection {
  /** A write was committed since the connection was acquired: its release waits for an fdatasync. */
  needsSync = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly sqlite: Database.Database,
  ) {}

  /** Run `query`, again while another connection (the CLI's) keeps the database busy. */
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let result: QueryResult<R>;
    for (let tries = 0; ; tries++) {
      try {
        result = await this.inner.executeQuery<R>(query);
        break;
      } catch (e) {
        // Outside a transaction a busy database means the statement did not run: wait and run it again.
        if (!isBusy(e) || this.sqlite.inTransaction || tries >= BUSY_TRIES) throw e;
        await busyPause(tries);
      }
    }
    // A statement that ran (not a reader) and left us outside a transaction committed something:
    // a COMMIT, or a write in autocommit mode. A ROLLBACK also lands here: one harmless extra sync.
    if (result.numAffectedRows !== undefined && !this.sqlite.inTransaction) this.needsSync = true;
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}
