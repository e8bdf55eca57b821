/**
 * Lookups and accepts asked during one event-loop turn share one statement on PostgreSQL
 * (store/engine/per-turn.ts): a value the server refuses, asked beside good ones, must fail only its own
 * caller. The poison is put in below the app edge (which refuses a NUL), straight through the store port.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { makeStore, type Store } from '../../src/store/adapters/store.js';
import type { Db } from '../../src/store/engine/db.js';
import { freshDb, textMessage } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

let db: Db;
let store: Store;
let aliceId: number;

before(async () => {
  db = await freshDb();
  store = makeStore(db, systemClock);
  const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
  await admin.add({
    username: 'alice',
    password: password('poison'),
    numbers: ['+15550000030'],
    region: 'US',
  });
  aliceId = (await store.byUsername('alice'))!.id;
});
after(() => db?.close());

const send = (body: string) =>
  store.accept(textMessage({ senderAccountId: aliceId, from: '+15550000030', to: '+15550000031', body }), []);

test('one poisoned lookup among 20 good ones in the same turn fails none of the good ones', async () => {
  const good = Array.from({ length: 20 }, (_, i) =>
    i % 2 ? store.byUsername('alice') : store.byNumber('+15550000030'),
  );
  const poisoned = store.byUsername('ghost\u0000').then(
    () => 'answered',
    () => 'failed',
  );
  const results = await Promise.allSettled(good);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value?.username : r.reason)),
    Array(20).fill('alice'),
  );
  if (db.dialect !== 'sqlite') assert.equal(await poisoned, 'failed');
});

test('one poisoned accept among 20 good sends in the same turn fails none of the good ones', async () => {
  const good = Array.from({ length: 20 }, (_, i) => send(`hello ${i}`));
  const poisoned = send('bad\u0000text').then(
    () => 'stored',
    () => 'failed',
  );
  const results = await Promise.allSettled(good);
  assert.deepEqual(
    results.map((r) => r.status),
    Array(20).fill('fulfilled'),
  );
  if (db.dialect !== 'sqlite') assert.equal(await poisoned, 'failed');
});
