/**
 * textbridge as a separate process (`node --import tsx src/cli/bin.ts …`), for tests where several
 * instances share one store: a second process is what a deployment has, and on SQLite two handles in
 * one process would block each other's event loop on the write lock (better-sqlite3 waits synchronously).
 * Its JSON log lines go to a file in the log audit folder; readiness is read from that file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditLogFile, tempDir } from './service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildInstance {
  child: ChildProcess;
  logFile: string;
  /** The first log line that `ready` accepted (for `serve`, it carries `url`). */
  readyLine: Record<string, unknown>;
  /** Send `signal` (default SIGTERM) and wait for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** This process's environment without the variables that would override the config file. */
function configEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'TEXTBRIDGE_DATA_DIR', 'TEXTBRIDGE_CONFIG', 'PORT', 'HOST', 'LOG_LEVEL'])
    delete env[k];
  return env;
}

/** Log lines of a child so far, parsed; lines that are not JSON are skipped. */
export function logLines(file: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by SIGKILL
    }
  }
  return out;
}

/**
 * Start `textbridge <args…> --config <file>` with `config` written to that file, and wait until a log
 * line satisfies `ready` (by default: the HTTP service is listening).
 */
export async function spawnTextbridge(
  args: readonly string[],
  config: Record<string, unknown>,
  ready: (line: Record<string, unknown>) => boolean = (l) => l['msg'] === 'textbridge listening',
  timeoutMs = 30_000,
): Promise<ChildInstance> {
  const configFile = path.join(tempDir('tb-child-'), 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const logFile = auditLogFile(`child-${args[0] ?? 'cli'}`);
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', ...args, '--config', configFile],
    {
      cwd: ROOT,
      stdio: ['ignore', fd, fd],
      env: configEnv(),
    },
  );
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = logLines(logFile).find(ready);
    if (line) return { child, logFile, readyLine: line, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop('SIGKILL');
      const tail = readFileSync(logFile, 'utf8').slice(-2000);
      throw new Error(`textbridge ${args.join(' ')} did not become ready:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
