/**
 * An account's directory profile from the command line: `account add --display-name --group`,
 * `account set` to change or clear them, shown by `account list --json`, refused when malformed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTextbridge } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

const textbridge = runTextbridge;

test('a display name and a group are set at creation, changed, cleared and listed', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const dir = ['--data-dir', tempDir('tb-cli-profile-')];
  const pw = password('profile');
  const added = await textbridge(
    env,
    'account',
    'add',
    'fay',
    '--password',
    pw,
    '--display-name',
    ' Fay Ng ',
    '--group',
    'sales',
    '--json',
    ...dir,
  );
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(JSON.parse(added.stdout), {
    username: 'fay',
    region: 'US',
    numbers: [],
    credit: null,
    displayName: 'Fay Ng',
    group: 'sales',
  });

  const moved = await textbridge(env, 'account', 'set', 'fay', '--group', 'support', '--json', ...dir);
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal(JSON.parse(moved.stdout).group, 'support');
  assert.equal(JSON.parse(moved.stdout).displayName, 'Fay Ng');

  const cleared = await textbridge(
    env,
    'account',
    'set',
    'fay',
    '--display-name',
    '',
    '--group',
    '',
    '--json',
    ...dir,
  );
  assert.equal(cleared.code, 0, cleared.stderr);
  const list = await textbridge(env, 'account', 'list', '--json', ...dir);
  assert.deepEqual(JSON.parse(list.stdout), [{ username: 'fay', region: 'US', numbers: [], credit: null }]);

  const bad = await textbridge(env, 'account', 'set', 'fay', '--group', 'two words', ...dir);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Invalid group/);
  const nothing = await textbridge(env, 'account', 'set', 'fay', ...dir);
  assert.notEqual(nothing.code, 0);
  assert.match(nothing.stderr, /--display-name or --group/);
  const nobody = await textbridge(env, 'account', 'set', 'nobody', '--group', 'x', ...dir);
  assert.notEqual(nobody.code, 0);
  assert.match(nobody.stderr, /No account nobody/);
});
