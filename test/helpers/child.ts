/**
 * Real `textbridge` processes for crash and scale tests (`textbridgeArgs`: the build, or the sources), output
 * to a file in the log audit folder, readiness by polling /readyz.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { auditLogFile } from './files.js';

/** Write `config` as `config.json` in `dir`, for a child's `--config` or TEXTBRIDGE_CONFIG; its path. */
export function writeConfigFile(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** A free loopback port (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  url: string;
  logFile: string;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Node's arguments to run `textbridge <args>`: the build when the suite made one (`scripts/test.sh`
 * builds first and sets TEXTBRIDGE_TEST_BIN: what `npm start` runs, and it starts in about half the
 * time of compiling the sources on the fly), else the sources through tsx (one test file run alone).
 */
export function textbridgeArgs(...args: string[]): string[] {
  const bin = process.env['TEXTBRIDGE_TEST_BIN'];
  return bin ? [bin, ...args] : ['--import', 'tsx', 'src/cli/bin.ts', ...args];
}

/** Start `textbridge <args>`; for `serve`, wait until /readyz answers 200. */
export async function startChild(
  args: string[],
  env: Record<string, string> = {},
  port?: number,
): Promise<Child> {
  const p = port ?? (await freePort());
  const logFile = auditLogFile(`child-${args[0]}`);
  const out = openSync(logFile, 'a');
  const proc = spawn(process.execPath, textbridgeArgs(...args), {
    env: { ...process.env, PORT: String(p), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const url = `http://127.0.0.1:${p}`;
  if (args[0] === 'serve') {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null)
        throw new Error(`textbridge ${args.join(' ')} exited early; see ${logFile}`);
      try {
        if ((await fetch(`${url}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`textbridge did not become ready; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { proc, url, logFile, exited };
}

/** Run one `textbridge` command to its end with `env` added; its exit code and output (no throw). */
export async function runTextbridge(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, textbridgeArgs(...args), {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
