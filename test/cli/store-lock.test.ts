/**
 * One server per embedded store: a second `serve` or `worker` on the same data folder is refused,
 * naming the folder and the running server's pid; the CLI's commands keep working beside it; and a
 * server killed with SIGKILL leaves a stale lock that the next start takes over. Real processes, on
 * the embedded store whatever the test run's engine (the lock is about the data folder).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freePort, startChild, textbridgeArgs } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';

const run = promisify(execFile);
const dataDir = tempDir('tb-lock-');
const env = { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info' };

async function textbridge(...args: string[]) {
  try {
    const port = String(await freePort());
    const { stdout, stderr } = await run(process.execPath, textbridgeArgs(...args), {
      env: { ...process.env, ...env, PORT: port, HOST: '127.0.0.1' },
      timeout: 30_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

test('a second server on one embedded store is refused, the CLI works beside it, and a SIGKILLed server’s lock is taken over', async () => {
  const first = await startChild(['serve'], env);
  const lockFile = path.join(dataDir, 'textbridge.lock');
  try {
    assert.equal(readFileSync(lockFile, 'utf8').trim(), String(first.proc.pid));

    for (const command of ['serve', 'worker']) {
      const second = await textbridge(command);
      assert.notEqual(second.code, 0, `a second ${command} must not start:\n${second.out}`);
      assert.match(second.out, /is in use by another textbridge server/);
      assert.ok(second.out.includes(dataDir), `names the data folder:\n${second.out}`);
      assert.ok(second.out.includes(`pid ${first.proc.pid}`), `names the running server:\n${second.out}`);
      assert.match(second.out, /PostgreSQL/);
    }
    const list = await textbridge('account', 'list', '--json');
    assert.equal(list.code, 0, list.out);
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200, 'the first server is untouched');
  } finally {
    first.proc.kill('SIGKILL');
    await first.exited;
  }

  assert.ok(existsSync(lockFile), 'SIGKILL leaves the lock behind');
  const next = await startChild(['serve'], env);
  try {
    assert.equal(readFileSync(lockFile, 'utf8').trim(), String(next.proc.pid));
    assert.match(
      readFileSync(next.logFile, 'utf8'),
      new RegExp(`taking over the data folder lock of pid ${first.proc.pid}, which is no longer running`),
    );
  } finally {
    next.proc.kill('SIGTERM');
    await next.exited;
  }
  assert.ok(!existsSync(lockFile), 'a clean shutdown removes the lock');
});
