/**
 * A Kysely driver around another, for both engines: every error that means the store cannot write
 * becomes `storeUnavailable()` (store/engine/faults.ts) on its way out, and a connection released
 * after a write that succeeded tells the fault memory the store writes again.
 *
 * A rollback after a fault: when the failed statement already ended the transaction (SQLite rolls a
 * transaction back itself on SQLITE_FULL and some I/O errors, https://www.sqlite.org/lang_transaction.html,
 * "Response To Errors Within A Transaction"; a lost PostgreSQL connection has none left), the ROLLBACK
 * Kysely sends next fails too, and Kysely would throw that error ("cannot rollback - no transaction is
 * active") in place of the one that says what happened. So a rollback that fails after a fault is
 * dropped: the fault is what the caller learns.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import type { StoreFaults } from './faults.js';

export class FaultDriver implements Driver {
  private readonly connections = new WeakMap<DatabaseConnection, FaultConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly faults: StoreFaults,
  ) {}

  init(): Promise<void> {
    return this.guard(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.guard(() => this.inner.acquireConnection());
    let wrapped = this.connections.get(conn);
    if (!wrapped) {
      wrapped = new FaultConnection(conn, this.faults);
      this.connections.set(conn, wrapped);
    }
    wrapped.wrote = false;
    wrapped.failed = false;
    return wrapped;
  }

  beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.on(conn, (c) => this.inner.beginTransaction(c, settings));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await this.on(conn, (c) => this.inner.commitTransaction(c));
    (conn as FaultConnection).wrote = true;
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as FaultConnection;
    try {
      await this.inner.rollbackTransaction(c.inner);
    } catch (e) {
      if (!c.failed) throw this.faults.translate(e);
    }
  }

  savepoint(conn: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.on(conn, (c) => this.inner.savepoint!(c, name, compile));
  }

  rollbackToSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.on(conn, (c) => this.inner.rollbackToSavepoint!(c, name, compile));
  }

  releaseSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.on(conn, (c) => this.inner.releaseSavepoint!(c, name, compile));
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const c = conn as FaultConnection;
    // The inner release may finish the write's durability (SQLite's fdatasync): only after it the
    // write counts as done.
    await this.on(conn, (inner) => this.inner.releaseConnection(inner));
    if (c.wrote && !c.failed) this.faults.wrote();
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private async on<T>(conn: DatabaseConnection, fn: (inner: DatabaseConnection) => Promise<T>): Promise<T> {
    const c = conn as FaultConnection;
    try {
      return await fn(c.inner);
    } catch (e) {
      const out = this.faults.translate(e);
      if (out !== e) c.failed = true;
      throw out;
    }
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.faults.translate(e);
    }
  }
}

class FaultConnection implements DatabaseConnection {
  /** A writing statement or a commit succeeded since the connection was acquired. */
  wrote = false;
  /** A fault was met since the connection was acquired. */
  failed = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly faults: StoreFaults,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.inner.executeQuery<R>(query);
      if (result.numAffectedRows !== undefined) this.wrote = true;
      return result;
    } catch (e) {
      const out = this.faults.translate(e);
      if (out !== e) this.failed = true;
      throw out;
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}
