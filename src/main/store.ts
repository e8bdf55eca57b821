/** The store, opened once per process for the service, the worker and the CLI. */
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config/index.js';
import { maskUrl } from '../config/mask.js';
import { SmsError, unavailable } from '../errors.js';
import { type Db, openDb, SQLITE_FILE } from '../store/engine/db.js';
import type { FaultLog } from '../store/engine/faults.js';
import { type LockLog, lockDataDir } from '../store/engine/lock.js';
import { migrate } from '../store/migrations/index.js';

/**
 * Open the configured database and bring its schema up to date. A store that cannot be opened or
 * reached is reported as such, naming the file or the URL (its password masked), before any migration.
 */
export async function openStore(config: Config): Promise<Db> {
  const what = config.databaseUrl
    ? `the database at ${maskUrl(config.databaseUrl)} cannot be reached`
    : `the embedded store ${path.resolve(config.dataDir, SQLITE_FILE)} cannot be opened (is its folder writable?)`;
  const cannot = (e: unknown) => {
    // A store fault (store/engine/faults.ts) already names the store: keep only its cause here.
    const fault = e instanceof SmsError && e.code === 'SMS_ERR_STORE_UNAVAILABLE' ? e.detail : undefined;
    const why = fault ? `${fault['cause']} (${fault['code']})` : ((e as Error).message ?? String(e));
    return unavailable(`${what}: ${why}`);
  };
  let db: Db;
  try {
    db = openDb({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      poolSize: config.databasePoolSize,
    });
  } catch (e) {
    throw cannot(e);
  }
  try {
    await sql`select 1`.execute(db.kysely).catch((e: unknown) => {
      throw cannot(e);
    });
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

/**
 * For `serve` and `worker`: on the embedded store, the data folder's lock first (store/engine/lock.ts),
 * so a second server on the same folder is refused (nothing to lock on PostgreSQL, where several are
 * the point); then the store, its faults logged. `release` gives the lock back once the store is closed.
 */
export async function openServerStore(
  config: Config,
  log: LockLog & FaultLog,
): Promise<{ db: Db; release(): void }> {
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir, log);
  try {
    const db = await openStore(config);
    db.faults.serve(log);
    return { db, release: () => lock?.release() };
  } catch (e) {
    lock?.release();
    throw e;
  }
}
