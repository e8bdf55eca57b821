/** The store, opened once per process for the service, the worker and the CLI. */
import type { Config } from '../config/index.js';
import { type Db, openDb } from '../store/engine/db.js';
import { migrate } from '../store/migrations/index.js';

/** Open the configured database and bring its schema up to date. */
export async function openStore(config: Config): Promise<Db> {
  const db = openDb({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
  });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
