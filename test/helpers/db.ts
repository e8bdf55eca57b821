/** A migrated, empty store for tests: a fresh SQLite file, or a fresh PostgreSQL database (pg.ts). */
import { type Db, openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrations/index.js';
import { freshDatabaseUrl } from './pg.js';
import { tempDir } from './service.js';

/** Open a fresh store in its own folder (or database); `dataDir` reopens an existing SQLite store. */
export async function freshDb(dataDir = tempDir()): Promise<Db & { dataDir: string; url: string }> {
  const url = await freshDatabaseUrl();
  const db = openDb({ dataDir, databaseUrl: url });
  await migrate(db);
  return Object.assign(db, { dataDir, url });
}
