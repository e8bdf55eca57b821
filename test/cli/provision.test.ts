/**
 * `textbridge provision`, run as the operator runs it (a child process on a real store): it prints the
 * Account XML fragment the README shows, refuses an unknown account by name, and says which key to set
 * when there is no public URL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { buildConfig } from '../../src/config/index.js';
import { openAdmin } from '../../src/main/index.js';
import { parseAccountXml } from '../../src/protocol/acrobits/xml.js';
import { textbridgeArgs, writeConfigFile } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

const run = promisify(execFile);
let env: Record<string, string>;
let dataDir: string;

async function textbridge(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, textbridgeArgs(...args, '--data-dir', dataDir), {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const withUrl = () =>
  writeConfigFile(tempDir('tb-prov-'), { server: { publicUrl: 'https://sms.example.com/' } });

before(async () => {
  env = { DATABASE_URL: await freshDatabaseUrl() };
  dataDir = tempDir('tb-prov-data-');
  const admin = await openAdmin(buildConfig({ dataDir, databaseUrl: env['DATABASE_URL'] }));
  await admin.accounts.add({
    username: 'alice',
    password: password('prov-alice'),
    numbers: [],
    region: 'US',
  });
  await admin.close();
});

test("provision prints the README's Account XML block for an account", async () => {
  const r = await textbridge('provision', 'alice', '--config', withUrl());
  assert.equal(r.code, 0, r.stderr);
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('All services in one Account XML fragment');
  const block = readme.slice(readme.indexOf('```xml\n', start) + 7, readme.indexOf('```\n', start + 10));
  assert.equal(r.stdout, block);
});

test('provision --style get writes every field in the URL, & escaped, and parses as XML', async () => {
  const r = await textbridge('provision', 'alice', '--style', 'get', '--config', withUrl());
  assert.equal(r.code, 0, r.stderr);
  const keys = new Map(parseAccountXml(r.stdout).map((e) => [e.key, e.value]));
  assert.equal(
    keys.get('genericBalanceCheckUrl'),
    'https://sms.example.com/balance?username=%account[username]%&password=%account[password]%',
  );
  assert.ok(r.stdout.includes('&amp;password='));
});

test('provision refuses an account that does not exist, naming it', async () => {
  const r = await textbridge('provision', 'nobody', '--config', withUrl());
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /No account nobody/);
});

test('provision without a public URL says which key to set', async () => {
  const r = await textbridge('provision', 'alice');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /server\.publicUrl is not set/);
});
