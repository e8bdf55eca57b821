/**
 * The version an operator reports with a bug: `textbridge --version`, the start-up line and the
 * health endpoints all give package.json's version.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { textbridgeArgs } from '../helpers/child.js';
import { startTestService } from '../helpers/service.js';

const run = promisify(execFile);
// The tests run from the package root (scripts/test.sh), compiled or from source.
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

test('textbridge --version prints the version from package.json and exits 0', async () => {
  const { stdout } = await run(process.execPath, textbridgeArgs('--version'));
  assert.equal(stdout.trim(), version);
});

test('the start-up log line, /livez and /readyz?verbose give the version', async () => {
  const svc = await startTestService();
  try {
    assert.deepEqual(await (await fetch(`${svc.url}/livez`)).json(), { status: 'ok', version });
    const ready = (await (await fetch(`${svc.url}/readyz?verbose`)).json()) as { version: string };
    assert.equal(ready.version, version);
  } finally {
    await svc.close();
  }
  const started = readFileSync(svc.logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { msg: string; version?: string })
    .find((l) => l.msg === 'textbridge listening');
  assert.equal(started?.version, version);
});
