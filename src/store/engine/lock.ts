/**
 * One server per embedded store. The embedded store (SQLite in the data folder) is for one `serve`
 * (with its delivery worker) or one `worker`: two of them would both bind to the same SMSC and
 * dispatch the same outbox. Scaling out is what PostgreSQL is for (docs/deployment.md).
 *
 * The lock is a file, `textbridge.lock` in the data folder, created with O_CREAT|O_EXCL (atomic on
 * local filesystems: open(2), "O_EXCL") and holding the server's pid. A lock whose pid no longer runs
 * (the server was SIGKILLed, or the machine restarted) is stale: the next server takes it over and
 * says so in the log. The CLI's commands take no lock: SQLite's WAL lets them read and write beside
 * the server.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { conflict } from '../../errors.js';

export const LOCK_FILE = 'textbridge.lock';

/** A held lock; `release()` removes the file if it is still ours. */
export interface StoreLock {
  file: string;
  release(): void;
}

/** What the lock tells its caller's log. */
export interface LockLog {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Take the data folder's lock for this process, or throw `SMS_ERR_CONFLICT` naming the folder and
 * the pid of the server that holds it.
 */
export function lockDataDir(dataDir: string, log?: LockLog, pid = process.pid): StoreLock {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readPid(file);
      if (holder !== undefined && holder !== pid && isRunning(holder)) {
        throw conflict(
          `the embedded store in ${dir} is in use by another textbridge server (pid ${holder}); ` +
            'the embedded store serves one server: stop that one first, or use PostgreSQL (databaseUrl) to run several',
        );
      }
      log?.warn(
        { dataDir: dir, stalePid: holder ?? null },
        holder === undefined
          ? 'taking over the data folder lock: it names no pid'
          : `taking over the data folder lock of pid ${holder}, which is no longer running`,
      );
      try {
        unlinkSync(file);
      } catch (u) {
        if ((u as NodeJS.ErrnoException).code !== 'ENOENT') throw u;
      }
      continue;
    }
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
    return {
      file,
      release: () => {
        if (readPid(file) !== pid) return;
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      },
    };
  }
  throw conflict(`the lock ${file} keeps changing: is another textbridge server starting on ${dir}?`);
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live process (signal 0: kill(2)); EPERM means it exists under another user. A
 * zombie (killed, not yet reaped by its parent) counts as gone: it holds nothing any more.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …" (proc(5)); absent off Linux, where the signal decides.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
