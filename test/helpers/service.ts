/**
 * A real textbridge service for tests: real HTTP on a loopback port, a real store (a fresh SQLite file,
 * or a fresh PostgreSQL database when TEXTBRIDGE_TEST_DATABASE_URL is set), logs captured to a file in
 * the log audit folder (scripts/test.sh checks that no test password ever reaches a log).
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig, type Config } from '../../src/config/index.js';
import { makeLogger, openStore, type Service, startService } from '../../src/main/index.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { freshDatabaseUrl } from './pg.js';

/** Folder where every test process writes its service logs. */
export const LOG_DIR = process.env['TEXTBRIDGE_TEST_LOG_DIR'] ?? path.join(tmpdir(), 'textbridge-test-logs');

/** Folders `tempDir` made in this process, removed when it exits. */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh folder in the system temp folder (a data dir, a config file's home), removed with everything
 * in it when this test process exits: by then its services and child processes are closed.
 */
export function tempDir(prefix = 'tb-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A log file in the audit folder; the caller passes it to a logger or a child process. */
export function auditLogFile(name: string): string {
  mkdirSync(LOG_DIR, { recursive: true });
  return path.join(
    LOG_DIR,
    `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`,
  );
}

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
  const logger = makeLogger(config, createWriteStream(logFile));
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
