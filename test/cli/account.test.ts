/**
 * The account and message commands, run as the operator runs them: `textbridge …` child processes on
 * one store (SQLite, or PostgreSQL in the second run), with `--json` output parsed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { openStore } from '../../src/main/index.js';
import { findAccountByUsername } from '../../src/store/sql/accounts.js';
import { insertMessage } from '../../src/store/sql/messages.js';
import { runTextbridge } from '../helpers/child.js';
import { textMessage } from '../helpers/db.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

const textbridge = runTextbridge;

test('account add, list, credit, passwd and remove work from the command line with --json', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const dir = ['--data-dir', tempDir('tb-cli-acct-')];
  const added = await textbridge(
    env,
    'account',
    'add',
    'dora',
    '--password',
    password('dora'),
    '--number',
    '(555) 123-0042',
    '--number',
    '201',
    '--region',
    'US',
    '--credit',
    '2.5',
    '--json',
    ...dir,
  );
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(JSON.parse(added.stdout), {
    username: 'dora',
    region: 'US',
    numbers: ['+15551230042', '201'],
    credit: 2.5,
  });

  const dup = await textbridge(env, 'account', 'add', 'dora', '--password', 'x', ...dir);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /already exists/);
  const taken = await textbridge(
    env,
    'account',
    'add',
    'eve',
    '--password',
    password('eve'),
    '--number',
    '+15551230042',
    ...dir,
  );
  assert.notEqual(taken.code, 0);
  assert.match(taken.stderr, /already belongs to dora/);

  const credit = await textbridge(env, 'account', 'credit', 'dora', '-1.25', '--json', ...dir);
  assert.equal(JSON.parse(credit.stdout).credit, 1.25);
  const unlimited = await textbridge(
    env,
    'account',
    'credit',
    'dora',
    '--set',
    'unlimited',
    '--json',
    ...dir,
  );
  assert.equal(JSON.parse(unlimited.stdout).credit, null);

  assert.equal(
    (await textbridge(env, 'account', 'passwd', 'dora', '--password', password('dora2'), ...dir)).code,
    0,
  );
  const list = await textbridge(env, 'account', 'list', '--json', ...dir);
  assert.deepEqual(
    (JSON.parse(list.stdout) as Array<{ username: string }>).map((a) => a.username),
    ['dora'],
  );
  assert.equal((await textbridge(env, 'account', 'remove', 'dora', ...dir)).code, 0);
  const gone = await textbridge(env, 'account', 'remove', 'dora', ...dir);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /No account dora/);
});

test('bad input is refused with a readable sentence and a non-zero exit', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const dir = ['--data-dir', tempDir('tb-cli-bad-')];
  const region = await textbridge(env, 'account', 'add', 'x', '--password', 'p', '--region', 'XX', ...dir);
  assert.match(region.stderr, /Unknown region/);
  const number = await textbridge(
    env,
    'account',
    'add',
    'x',
    '--password',
    'p',
    '--number',
    'not-a-number',
    ...dir,
  );
  assert.match(number.stderr, /Not a phone number/);
  const config = await textbridge(
    { ...env, TEXTBRIDGE_CONFIG: '/nonexistent/config.json' },
    'account',
    'list',
    ...dir,
  );
  assert.notEqual(config.code, 0);
  assert.match(config.stderr, /cannot read config file/);
});

test('messages list --json carries sms_id, from, to, body and status', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const dir = ['--data-dir', tempDir('tb-cli-msg-')];
  await textbridge(
    env,
    'account',
    'add',
    'ann',
    '--password',
    password('ann'),
    '--number',
    '+15551230051',
    ...dir,
  );
  await textbridge(
    env,
    'account',
    'add',
    'ben',
    '--password',
    password('ben'),
    '--number',
    '+15551230052',
    ...dir,
  );
  const empty = await textbridge(env, 'messages', 'list', '--json', ...dir);
  assert.deepEqual(JSON.parse(empty.stdout), []);
  const db = await openStore(buildConfig({ dataDir: dir[1]!, databaseUrl: env.DATABASE_URL }));
  try {
    const ann = await findAccountByUsername(db.kysely, 'ann');
    const ben = await findAccountByUsername(db.kysely, 'ben');
    await insertMessage(
      db.kysely,
      textMessage({
        senderAccountId: ann!.id,
        recipientAccountId: ben!.id,
        from: '+15551230051',
        to: '+15551230052',
        toRaw: '555-123-0052',
        body: 'hello 👋',
        status: 'delivered',
      }),
      Date.now(),
    );
  } finally {
    await db.close();
  }
  const one = await textbridge(env, 'messages', 'list', '--account', 'ben', '--json', ...dir);
  const [m] = JSON.parse(one.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(
    [typeof m?.['sms_id'], m?.['from'], m?.['to'], m?.['body'], m?.['status']],
    ['string', '+15551230051', '+15551230052', 'hello 👋', 'delivered'],
  );
  const status = await textbridge(env, 'messages', 'list', '--status', 'nonsense', ...dir);
  assert.notEqual(status.code, 0);
});
