/**
 * Credit as the operator sets it: whole micro-units, never negative, at most MAX_CREDIT, and every
 * refusal a sentence naming what is wrong. Run in process on a real store (SQLite, or PostgreSQL).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_CREDIT, makeAccountAdmin, parseAmount } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import type { Db } from '../../src/store/engine/db.js';
import { freshDb } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

let db: Db;
let admin: ReturnType<typeof makeAccountAdmin>;
before(async () => {
  db = await freshDb();
  admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  await admin.add({
    username: 'alice',
    password: password('alice'),
    numbers: [],
    region: 'US',
    credit: '2.5',
  });
});
after(() => db.close());

const balance = async () => (await admin.list()).find((a) => a.username === 'alice')?.credit;

test('amounts are parsed exactly into micro-units, without floating point', () => {
  assert.equal(parseAmount('2.5'), 2_500_000);
  assert.equal(parseAmount('0.000001'), 1);
  assert.equal(parseAmount('-1.25'), -1_250_000);
  assert.equal(parseAmount('.5'), 500_000);
  assert.equal(parseAmount('0.1000000'), 100_000); // trailing zeros below a micro-unit are harmless
  assert.equal(parseAmount(String(MAX_CREDIT)), MAX_CREDIT * 1_000_000);
  for (const bad of ['', ' ', 'abc', '1e3', '0x10', '1.2.3', '-', '.', 'Infinity', 'NaN']) {
    assert.throws(() => parseAmount(bad), /Not an amount/, bad);
  }
});

test('taking more credit than the balance holds is refused with the account and its balance', async () => {
  await assert.rejects(admin.credit('alice', '-5'), /Cannot take 5 from alice: the balance is 2\.5/);
  assert.equal(await balance(), 2.5);
  assert.deepEqual(await admin.credit('alice', '-2.5'), {
    username: 'alice',
    region: 'US',
    numbers: [],
    credit: 0,
  });
  await admin.credit('alice', '2.5');
});

test('a negative --set is refused and the balance stays', async () => {
  await assert.rejects(admin.credit('alice', undefined, '-3'), /Credit must not be negative: -3/);
  await assert.rejects(
    admin.add({ username: 'neg', password: password('neg'), numbers: [], region: 'US', credit: '-5' }),
    /Credit must not be negative/,
  );
  assert.equal(await balance(), 2.5);
});

test('an amount above the upper bound is refused, and so is a delta that would cross it', async () => {
  await assert.rejects(
    admin.credit('alice', '99999999999999999'),
    /Amount 99999999999999999 is above the upper bound of 1000000000/,
  );
  await assert.rejects(admin.credit('alice', undefined, '99999999999999999'), /above the upper bound/);
  await assert.rejects(
    admin.credit('alice', String(MAX_CREDIT)),
    /Cannot add 1000000000 to alice: the balance is 2\.5 and must not exceed 1000000000/,
  );
  assert.equal(await balance(), 2.5);
  assert.equal((await admin.credit('alice', undefined, String(MAX_CREDIT))).credit, MAX_CREDIT);
  await admin.credit('alice', undefined, '2.5');
});

test('an amount finer than one micro-unit is refused rather than doing nothing', async () => {
  await assert.rejects(admin.credit('alice', '0.0000001'), /finer than one micro-unit/);
  await assert.rejects(admin.credit('alice', undefined, '1.0000001'), /finer than one micro-unit/);
  assert.equal(await balance(), 2.5);
});

test('a delta together with --set is refused', async () => {
  await assert.rejects(admin.credit('alice', '1', '7'), /either a delta or --set, not both/);
  assert.equal(await balance(), 2.5);
});
