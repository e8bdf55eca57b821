/**
 * `account add` with an imported hash and `account import`, run as the operator runs them: `textbridge …`
 * child processes on one store (SQLite, or PostgreSQL in the second run).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { textbridgeArgs } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

const run = promisify(execFile);

async function textbridge(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, textbridgeArgs(...args), {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const BCRYPT = '$2b$06$textbridgeImportSaltA.W4DU6a55k.F8heyQF29HKWUnoVrghlC';
const SCRYPT = '$scrypt$ln=10,r=8,p=1$dGV4dGJyaWRnZS1zYWx0IQ$PlrxC1bxZMLy+xc/cjElZXvs/5Ks455sVauetqdWYoM';

test('account add takes exactly one of --password, --ha1 with --realm, --bcrypt or --scrypt', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const dir = ['--data-dir', tempDir('tb-cli-hash-')];
  const ha1 = 'df1f2c8cb239e2a3439c753a9a375acd';
  const added = await textbridge(
    env,
    'account',
    'add',
    'ivy',
    '--ha1',
    ha1,
    '--realm',
    'sip.example.net',
    '--json',
    ...dir,
  );
  assert.equal(added.code, 0, added.stderr);
  assert.equal(JSON.parse(added.stdout).username, 'ivy');
  const both = await textbridge(
    env,
    'account',
    'add',
    'kim',
    '--bcrypt',
    BCRYPT,
    '--password',
    password('k'),
    ...dir,
  );
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /exactly one of --password, --ha1/);
  const noRealm = await textbridge(env, 'account', 'add', 'kim', '--ha1', ha1, ...dir);
  assert.match(noRealm.stderr, /--ha1 and --realm go together/);
  const none = await textbridge(env, 'account', 'add', 'kim', ...dir);
  assert.match(none.stderr, /exactly one/);
});

test('account import reports each bad line by number, imports the others, and skips them when run again', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const data = tempDir('tb-cli-import-');
  const dir = ['--data-dir', data];
  const csv = path.join(data, 'users.csv');
  writeFileSync(
    csv,
    [
      'username,ha1,realm,bcrypt,scrypt,numbers,region,credit',
      'ivy,df1f2c8cb239e2a3439c753a9a375acd,sip.example.net,,,+15550001001;201,US,2.5',
      `kim,,,${BCRYPT},,(555) 000-1002,,`,
      'bad,,,,,+15550001003,US,',
      `lou,,,,"${SCRYPT}",+442071838750,GB,`,
      'mia,nothex,sip.example.net,,,,,',
      '',
    ].join('\n'),
  );
  const first = await textbridge(env, 'account', 'import', csv, '--json', ...dir);
  assert.equal(first.code, 1, 'a bad line makes the exit non-zero');
  const report = JSON.parse(first.stdout);
  assert.deepEqual(report.imported, ['ivy', 'kim', 'lou']);
  assert.deepEqual(
    report.errors.map((e: { line: number }) => e.line),
    [4, 6],
  );
  assert.match(report.errors[0].reason, /no credential/);
  assert.match(report.errors[1].reason, /32 hexadecimal/);

  const list = JSON.parse((await textbridge(env, 'account', 'list', '--json', ...dir)).stdout);
  assert.deepEqual(
    list.map((a: { username: string; numbers: string[]; credit: number | null }) => [
      a.username,
      a.numbers,
      a.credit,
    ]),
    [
      ['ivy', ['+15550001001', '201'], 2.5],
      ['kim', ['+15550001002'], null],
      ['lou', ['+442071838750'], null],
    ],
  );

  const again = await textbridge(env, 'account', 'import', csv, ...dir);
  assert.match(again.stdout, /line 2: ivy exists \(left as it is\)/);
  assert.match(again.stdout, /imported 0, skipped 3, bad lines 2/);
  assert.match(again.stderr, /line 4: no credential/);

  const jsonl = path.join(data, 'users.jsonl');
  writeFileSync(
    jsonl,
    [
      JSON.stringify({ username: 'nat', bcrypt: BCRYPT, numbers: ['+15550001004'], credit: 1 }),
      '{"username": "oli", "password": ',
      JSON.stringify({ username: 'pam', password: password('pam'), ha1: 'df1f2c8cb239e2a3439c753a9a375acd' }),
    ].join('\n'),
  );
  const j = JSON.parse((await textbridge(env, 'account', 'import', jsonl, '--json', ...dir)).stdout);
  assert.deepEqual(j.imported, ['nat']);
  assert.deepEqual(j.errors, [
    { line: 2, reason: 'not a JSON object' },
    { line: 3, reason: 'several credentials (password, ha1); give exactly one' },
  ]);
});
