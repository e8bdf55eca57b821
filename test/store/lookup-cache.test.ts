/**
 * The store's account and device lookups stay true while another connection changes things: on SQLite
 * they are cached (store/engine/lookup-cache.ts) and the triggers of migration 0007 must drop the cache; on
 * PostgreSQL they are not cached and the same answers must come back. The "other connection" is a
 * second open of the same store, as the CLI is beside the server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { makeStore, type Store } from '../../src/store/adapters/store.js';
import { type Db, openDb } from '../../src/store/engine/db.js';
import { insertNumbers } from '../../src/store/sql/accounts.js';
import { upsertPushToken } from '../../src/store/sql/push-tokens.js';
import { freshDb } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

let server: Db;
let cli: Db;
let store: Store;
let admin: ReturnType<typeof makeAccountAdmin>;

before(async () => {
  const db = await freshDb();
  server = db;
  cli = openDb({ dataDir: db.dataDir, databaseUrl: db.url });
  store = makeStore(server, systemClock);
  admin = makeAccountAdmin(makeAdminStore(cli), systemClock);
});

after(async () => {
  await cli?.close();
  await server?.close();
});

/** The next request comes in a later event-loop turn than the change. */
const nextTurn = () => new Promise((r) => setImmediate(r));

test('an account created, re-keyed and removed elsewhere is seen by the next lookup', async () => {
  assert.equal(await store.byUsername('carol'), undefined); // remembered as unknown
  assert.equal(await store.byNumber('+12025550701'), undefined);
  await admin.add({
    username: 'carol',
    password: password('carol-1'),
    numbers: ['+12025550701'],
    region: 'US',
  });
  await nextTurn();
  const created = await store.byUsername('carol');
  assert.ok(created, 'an account added by another connection is found');
  assert.equal((await store.byNumber('+12025550701'))?.id, created.id);

  await admin.passwd('carol', password('carol-2'));
  await nextTurn();
  const rekeyed = await store.byUsername('carol');
  assert.notEqual(rekeyed?.passwordHash, created.passwordHash, 'a new password hash ends the cached one');

  await insertNumbers(cli.kysely, created.id, ['+12025550702']);
  await nextTurn();
  assert.deepEqual((await store.byNumber('+12025550702'))?.numbers, ['+12025550701', '+12025550702']);

  await admin.remove('carol');
  await nextTurn();
  assert.equal(await store.byUsername('carol'), undefined);
  assert.equal(await store.byNumber('+12025550701'), undefined);
});

test('a device reporting its first token is seen by the next on-net send', async () => {
  await admin.add({ username: 'dave', password: password('dave'), numbers: ['+12025550703'], region: 'US' });
  await nextTurn();
  const dave = await store.byUsername('dave');
  assert.ok(dave);
  assert.equal(await store.hasDevices(dave.id), false);
  await upsertPushToken(
    cli.kysely,
    {
      accountId: dave.id,
      selector: 'phone-1',
      installid: null,
      token: 'tok-1',
      appid: 'app',
      tokenCalls: null,
      appidCalls: null,
      tokenOther: null,
      appidOther: null,
    },
    Date.now(),
  );
  await nextTurn();
  assert.equal(await store.hasDevices(dave.id), true);
  await cli.kysely.deleteFrom('push_tokens').where('account_id', '=', dave.id).execute();
  await nextTurn();
  assert.equal(await store.hasDevices(dave.id), false);
});
