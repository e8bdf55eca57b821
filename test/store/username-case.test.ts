/**
 * Usernames are unique regardless of case, on both engines: the account commands refuse a second
 * spelling, the store's index refuses it too, a login still needs the stored spelling, and a store
 * that already holds spellings of one name migrates without losing any of them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import * as usernameCase from '../../src/store/migrations/0011_username_case.js';
import { findAccountByUsername, insertAccount } from '../../src/store/sql/accounts.js';
import { freshDb } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

const account = (username: string) => ({
  username,
  passwordHash: 'x',
  region: 'US',
  creditMicros: null,
  now: Date.now(),
});

test('a username that differs from an existing one only by case is refused', async () => {
  const db = await freshDb();
  try {
    const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
    await admin.add({ username: 'alice', password: password('alice'), numbers: [], region: 'US' });
    await assert.rejects(
      admin.add({ username: 'ALICE', password: password('alice2'), numbers: [], region: 'US' }),
      /Account alice already exists; usernames are unique regardless of case/,
    );
    await assert.rejects(
      admin.add({ username: 'alice', password: password('alice2'), numbers: [], region: 'US' }),
      /Account alice already exists$/,
    );
    // The store refuses it as well, whoever writes.
    await assert.rejects(insertAccount(db.kysely, account('Alice')));
    // A login looks up the stored spelling exactly.
    assert.equal((await findAccountByUsername(db.kysely, 'alice'))?.username, 'alice');
    assert.equal(await findAccountByUsername(db.kysely, 'ALICE'), undefined);
  } finally {
    await db.close();
  }
});

test('a store with accounts differing only by case migrates, keeps them all, and takes no new spelling', async () => {
  const db = await freshDb();
  try {
    // The state before the unique index: two spellings of bob, and carol.
    await sql`drop index accounts_username_lower`.execute(db.kysely);
    for (const u of ['bob', 'carol', 'BOB', 'Bob']) await insertAccount(db.kysely, account(u));
    // The migration itself, run again on that state (the later ones are already in place).
    await usernameCase.up(db.kysely as Kysely<unknown>, db.dialect);
    for (const u of ['bob', 'carol', 'BOB', 'Bob']) {
      assert.equal((await findAccountByUsername(db.kysely, u))?.username, u);
    }
    await assert.rejects(insertAccount(db.kysely, account('bOB')));
    await assert.rejects(insertAccount(db.kysely, account('CAROL')));
    const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
    await assert.rejects(
      admin.add({ username: 'boB', password: password('bob'), numbers: [], region: 'US' }),
      /Account bob already exists; usernames are unique regardless of case/,
    );
  } finally {
    await db.close();
  }
});
