/**
 * Files of a test process that need no service: fresh temp folders removed at exit, and log files in
 * the log audit folder (scripts/test.sh checks that no test password ever reaches a log). Apart from
 * service.ts so that a test using only these does not import the store switch: scripts/test.sh runs a
 * file on PostgreSQL only when its imports reach the switch to PostgreSQL (helpers/pg.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
