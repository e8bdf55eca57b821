/**
 * `textbridge store copy --to postgres://…`: an embedded store's rows arrive in PostgreSQL
 * with their ids, and the PostgreSQL sequences continue after them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { makeStore } from '../../src/store/adapters/store.js';
import { copyStore, TargetNotEmpty } from '../../src/store/engine/copy.js';
import { type Db, openDb } from '../../src/store/engine/db.js';
import { migrate } from '../../src/store/migrations/index.js';
import { textbridgeArgs } from '../helpers/child.js';
import { textMessage } from '../helpers/db.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl, TEST_PG_URL } from '../helpers/pg.js';

const skip = TEST_PG_URL
  ? false
  : 'needs PostgreSQL (TEXTBRIDGE_TEST_DATABASE_URL; scripts/test.sh starts one)';
const ROOT = path.resolve(import.meta.dirname, '../..');

const message = (sender: number, to: string, body: string) =>
  textMessage({ senderAccountId: sender, from: '+12025550100', to, body, smart: true, chargeMicros: 10_000 });

/** An embedded store with two accounts, three messages (one deleted, so ids have a gap) and their jobs. */
async function seededSqlite(): Promise<{ dir: string; db: Db }> {
  const dir = tempDir();
  const db = openDb({ dataDir: dir });
  await migrate(db);
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  await admin.add({
    username: 'alice',
    password: 'pw-copy-1',
    numbers: ['+12025550100', '201'],
    region: 'US',
    credit: '5',
  });
  await admin.add({ username: 'bob', password: 'pw-copy-2', numbers: ['+12025550101'], region: 'US' });
  const alice = (await admin.list()).find((a) => a.username === 'alice')!;
  const aliceId = (await makeAdminStore(db).findAccount('alice'))!.id;
  const store = makeStore(db, systemClock);
  for (const body of ['one', 'two', 'three'])
    await store.accept(message(aliceId, '+12025550123', body), ['deliver']);
  await db.kysely.deleteFrom('messages').where('body', '=', 'two').execute();
  assert.equal(alice.credit, 5);
  return { dir, db };
}

const dump = async (db: Db) => ({
  accounts: await db.kysely.selectFrom('accounts').selectAll().orderBy('id').execute(),
  numbers: await db.kysely.selectFrom('account_numbers').selectAll().orderBy('number').execute(),
  messages: await db.kysely.selectFrom('messages').selectAll().orderBy('id').execute(),
  jobs: await db.kysely.selectFrom('jobs').selectAll().orderBy('id').execute(),
});

test('store copy moves every row with its id, and new messages continue the id sequence', {
  skip,
}, async () => {
  const { db: from } = await seededSqlite();
  const to = openDb({ dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() });
  try {
    const report = await copyStore(from, to);
    assert.equal(report['accounts'], 2);
    assert.equal(report['account_numbers'], 3);
    assert.equal(report['messages'], 2);
    assert.equal(report['jobs'], 3);
    assert.deepEqual(await dump(to), await dump(from));

    const aliceId = (await makeAdminStore(to).findAccount('alice'))!.id;
    const next = await makeStore(to, systemClock).accept(message(aliceId, '+12025550123', 'four'), [
      'deliver',
    ]);
    const lastSqliteId = (await dump(from)).messages.at(-1)!.id;
    assert.equal(next, lastSqliteId + 1);
    // The balance came across: 5 minus three charges in SQLite and one in PostgreSQL.
    const admin = makeAccountAdmin(makeAdminStore(to), systemClock);
    assert.equal((await admin.list()).find((a) => a.username === 'alice')!.credit, 4.96);
  } finally {
    await from.close();
    await to.close();
  }
});

test('store copy refuses a target that already has accounts unless forced', { skip }, async () => {
  const { db: from } = await seededSqlite();
  const to = openDb({ dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() });
  try {
    await copyStore(from, to);
    await assert.rejects(copyStore(from, to), TargetNotEmpty);
    const again = await copyStore(from, to, { force: true });
    assert.equal(again['accounts'], 2);
    assert.deepEqual(await dump(to), await dump(from));
  } finally {
    await from.close();
    await to.close();
  }
});

test('textbridge store copy --to copies from the data folder and prints a JSON report', {
  skip,
}, async () => {
  const { dir, db } = await seededSqlite();
  await db.close();
  const url = await freshDatabaseUrl();
  const run = (...extra: string[]) =>
    spawnSync(process.execPath, textbridgeArgs('store', 'copy', '--data-dir', dir, '--to', url, ...extra), {
      cwd: ROOT,
      encoding: 'utf8',
    });
  const first = run('--json');
  assert.equal(first.status, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { tables: Record<string, number>; to: string };
  assert.equal(report.tables['messages'], 2);
  const second = run();
  assert.equal(second.status, 1);
  assert.match(second.stderr, /already has accounts; --force/);
});

test('a WITHOUT ROWID table (carrier_refs) is copied whole, page after page of its primary key', {
  skip,
}, async () => {
  const { db: from } = await seededSqlite();
  // 1,201 rows: three pages of 500 and one more, several per carrier id and per submission time.
  const rows = Array.from({ length: 1_201 }, (_, i) => ({
    carrier: i % 2 === 0 ? 'smsc-a' : 'smsc-b',
    ref: `r-${i % 300}`,
    sent_at: i,
    message_id: 1,
    part: 1 + (i % 3),
    status: i % 5 === 0 ? 'delivered' : null,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await from.kysely
      .insertInto('carrier_refs')
      .values(rows.slice(i, i + 200))
      .execute();
  }
  const to = openDb({ dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() });
  try {
    const report = await copyStore(from, to);
    assert.equal(report['carrier_refs'], 1_201);
    const all = (db: Db) =>
      db.kysely
        .selectFrom('carrier_refs')
        .selectAll()
        .orderBy(['carrier', 'ref', 'sent_at', 'message_id', 'part'])
        .execute();
    const norm = (r: Awaited<ReturnType<typeof all>>) =>
      r
        .map((x) => JSON.stringify({ ...x, sent_at: Number(x.sent_at), message_id: Number(x.message_id) }))
        .sort(); // in code: the two engines may collate text differently
    assert.deepEqual(norm(await all(to)), norm(await all(from)));
  } finally {
    await to.close();
    await from.close();
  }
});
