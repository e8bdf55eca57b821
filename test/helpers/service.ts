/**
 * A real textbridge service for tests: real HTTP on a loopback port, a real store (a fresh SQLite file,
 * or a fresh PostgreSQL database when TEXTBRIDGE_TEST_DATABASE_URL is set), logs captured to a file in
 * the log audit folder (scripts/test.sh checks that no test password ever reaches a log).
 */
import pino from 'pino';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig, type Config } from '../../src/config/index.js';
import { makeLogger, openStore, type Service, startService } from '../../src/main/index.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { auditLogFile, tempDir } from './files.js';
import { freshDatabaseUrl } from './pg.js';

export { auditLogFile, LOG_DIR, tempDir } from './files.js';

export interface TestService extends Service {
  config: Config;
  admin: ReturnType<typeof makeAccountAdmin>;
  logFile: string;
}

/**
 * Start a service with `raw` configuration on top of test defaults (port 0, loopback, a fresh store).
 * The same config object may be reused for a restart by passing `{ dataDir, databaseUrl }` back in.
 */
export async function startTestService(raw: Record<string, unknown> = {}): Promise<TestService> {
  const dataDir = (raw['dataDir'] as string | undefined) ?? tempDir();
  const databaseUrl = (raw['databaseUrl'] as string | undefined) ?? (await freshDatabaseUrl());
  const config = buildConfig({
    ...raw,
    dataDir,
    databaseUrl,
    server: { host: '127.0.0.1', port: 0, ...((raw['server'] as object) ?? {}) },
    log: { level: 'info', ...((raw['log'] as object) ?? {}) },
  });
  const logFile = auditLogFile('service');
  // Written synchronously: the tests read this file while the service runs and just after it
  // stops, and an fs.WriteStream's queued writes (behind the thread pool's fdatasyncs on a busy
  // machine) were not always there yet.
  const logger = makeLogger(config, pino.destination({ dest: logFile, sync: true }));
  const service = await startService(config, logger);
  // A second connection to the same store, as the CLI would open it beside the server.
  const adminDb = await openStore(config);
  const admin = makeAccountAdmin(makeAdminStore(adminDb), systemClock);
  return {
    ...service,
    config,
    admin,
    logFile,
    close: async () => {
      await adminDb.close();
      await service.close();
    },
  };
}
