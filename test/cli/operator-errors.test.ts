/**
 * An operator's mistakes are answered with what is wrong: the store that cannot be opened or reached
 * (named, its password masked), and a flag that is not a whole number, refused before anything starts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { wholeNumber } from '../../src/cli/program.js';
import { buildConfig } from '../../src/config/index.js';
import { openAdmin, openStore } from '../../src/main/index.js';
import { textbridgeArgs } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';

const run = promisify(execFile);

async function textbridge(...args: string[]) {
  try {
    // The embedded store, whatever the test run's engine: these cases are about the data folder.
    const env = { ...process.env, DATABASE_URL: '' };
    const { stdout, stderr } = await run(process.execPath, textbridgeArgs(...args), { env });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

test('an embedded store that cannot be opened is named, with a hint about its folder', async () => {
  const dataDir = tempDir('tb-unopenable-');
  mkdirSync(path.join(dataDir, 'textbridge.db')); // where the file should be, a folder: SQLite cannot open it
  await assert.rejects(openStore(buildConfig({ dataDir })), (e: Error) => {
    assert.match(
      e.message,
      /^the embedded store .*textbridge\.db cannot be opened \(is its folder writable\?\)/,
    );
    assert.ok(e.message.includes(path.join(dataDir, 'textbridge.db')), e.message);
    return true;
  });
});

test('an unreachable database is reported as such, with its password masked', async () => {
  const databaseUrl = 'postgres://tb:hunter2secret@127.0.0.1:1/textbridge?password=alsosecret';
  const config = buildConfig({ dataDir: tempDir('tb-unreachable-'), databaseUrl });
  await assert.rejects(openStore(config), (e: Error) => {
    assert.match(
      e.message,
      /^the database at postgres:\/\/tb:\*+@127\.0\.0\.1:1\/textbridge\?password=\*+ cannot be reached: /,
    );
    assert.doesNotMatch(e.message, /hunter2secret|alsosecret|migration/);
    return true;
  });
});

test('whole-number flags take digits within their range and refuse anything else', () => {
  const port = wholeNumber(0, 65535);
  assert.equal(port('8080'), 8080);
  assert.equal(port('0'), 0);
  for (const bad of ['abc', '', '-1', '65536', '80.5', '1e3', ' ', '0x50']) {
    assert.throws(() => port(bad), /use a whole number from 0 to 65535/, bad);
  }
  const limit = wholeNumber(1);
  assert.equal(limit('5'), 5);
  for (const bad of ['abc', '-1', '0']) assert.throws(() => limit(bad), /use a whole number, 1 or more/, bad);
});

test('serve --port abc and messages list --limit -1 are refused before anything starts', async () => {
  const dataDir = tempDir('tb-flags-');
  const serve = await textbridge('serve', '--port', 'abc', '--data-dir', dataDir);
  assert.equal(serve.code, 1);
  assert.match(serve.out, /--port <port>' argument 'abc' is invalid\. use a whole number from 0 to 65535/);
  assert.doesNotMatch(serve.out, /delivery started|listening/);
  const list = await textbridge('messages', 'list', '--limit', '-1', '--data-dir', dataDir);
  assert.equal(list.code, 1);
  assert.match(list.out, /--limit <n>' argument '-1' is invalid\. use a whole number, 1 or more/);
});

test('a mistyped --data-dir is refused by the commands that read, instead of creating an empty store', async () => {
  const typo = path.join(tempDir('tb-typo-'), 'dta');
  await assert.rejects(
    openAdmin(buildConfig({ dataDir: typo }), undefined, { existing: true }),
    new RegExp(`no embedded store at ${path.join(typo, 'textbridge.db')} \\(check --data-dir\\)`),
  );
  const list = await textbridge('account', 'list', '--data-dir', typo);
  assert.equal(list.code, 1);
  assert.match(list.out, /no embedded store at .*dta\/textbridge\.db \(check --data-dir\)/);
  assert.equal(existsSync(typo), false);
  // account add may create it: that is how a store begins.
  assert.equal(
    (await textbridge('account', 'add', 'first', '--password', 'pw-first-1', '--data-dir', typo)).code,
    0,
  );
  assert.equal((await textbridge('account', 'list', '--data-dir', typo)).code, 0);
});
