/**
 * Parts of concatenated inbound messages in the store (`store/adapters/inbound-parts.ts`) through the
 * inbound use-case, on both engines: joined as bytes in any order, a resent part stored once, a
 * restart joining parts received before it, and a group past its timeout joined with what arrived.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { makeInbound } from '../../src/app/inbound.js';
import type { InboundPart } from '../../src/app/ports.js';
import { encodeUcs2 } from '../../src/domain/segments.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { makePartStore } from '../../src/store/adapters/inbound-parts.js';
import { makeStore } from '../../src/store/adapters/store.js';
import { makeTwoWayStore } from '../../src/store/adapters/two-way.js';
import { type Db, openDb } from '../../src/store/engine/db.js';
import { freshDb } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

const clock = { t: 1_700_000_000_000, now: () => clock.t };
const silent = { error: () => {}, warn: () => {}, info: () => {} };

async function withAccount(db: Db): Promise<void> {
  await makeAccountAdmin(makeAdminStore(db), clock).add({
    username: 'alice',
    password: password('alice'),
    numbers: ['+15550000001'],
    region: 'US',
  });
}

function inboundOn(db: Db) {
  const store = makeStore(db, clock);
  return makeInbound({
    accounts: store,
    inbox: makeTwoWayStore(store, clock),
    parts: makePartStore(store),
    jobs: ['push'],
    clock,
    outbox: { wake: () => {} },
    log: silent,
  });
}

/** Part `seq` of a three-part UCS-2 text; the emoji's surrogate pair is split across parts 2 and 3. */
const text = 'привет мир 😀!';
const bytes = encodeUcs2(text);
const cuts = [0, 14, 21, bytes.length];
const part = (seq: number, ref = '7'): InboundPart => ({
  carrier: 'smsc',
  from: '+15557654321',
  to: '+15550000001',
  ref,
  total: 3,
  seq,
  data: bytes.subarray(cuts[seq - 1], cuts[seq]),
  encoding: 'ucs2',
  timeoutMs: 60_000,
});

const bodies = async (db: Db) =>
  (await db.kysely.selectFrom('messages').select('body').orderBy('id').execute()).map((r) => r.body);
const partRows = async (db: Db) =>
  (await db.kysely.selectFrom('inbound_parts').select('seq').execute()).length;

test('parts in any order become one message once the last arrives; a resent part is stored once', async () => {
  const db = await freshDb();
  closers.push(() => db.close());
  await withAccount(db);
  const inbound = inboundOn(db);
  assert.deepEqual(await inbound.receivePart(part(3)), { stored: false, duplicate: false, held: true });
  assert.equal((await inbound.receivePart(part(3))).duplicate, true, 'a resend is stored once');
  await inbound.receivePart(part(1));
  assert.deepEqual(await bodies(db), []);
  const last = await inbound.receivePart(part(2));
  assert.equal(last.stored, true);
  assert.deepEqual(await bodies(db), [text], 'joined as bytes, then decoded');
  assert.equal(await partRows(db), 0, 'the parts are deleted with the join');
  const jobs = await db.kysely.selectFrom('jobs').select('kind').execute();
  assert.deepEqual(
    jobs.map((j) => j.kind),
    ['push'],
  );
  // The SMSC did not hear our answer to the last part and sends it again: nothing new.
  assert.equal((await inbound.receivePart(part(2))).duplicate, true);
  assert.deepEqual(await bodies(db), [text]);
});

test('a restart joins parts received before it', async () => {
  const db = await freshDb();
  await withAccount(db);
  await inboundOn(db).receivePart(part(1, '8'));
  await inboundOn(db).receivePart(part(3, '8'));
  await db.close();
  const again = openDb({ dataDir: db.dataDir, databaseUrl: db.url });
  closers.push(() => again.close());
  await inboundOn(again).receivePart(part(2, '8'));
  assert.deepEqual(await bodies(again), [text]);
});

test('a group still incomplete after its timeout is stored with what arrived', async () => {
  const db = await freshDb();
  closers.push(() => db.close());
  await withAccount(db);
  const inbound = inboundOn(db);
  await inbound.receivePart(part(1, '9'));
  clock.t += 59_999;
  assert.equal(await inbound.sweepParts(), 0, 'not before its timeout');
  clock.t += 1;
  assert.equal(await inbound.sweepParts(), 1);
  assert.deepEqual(await bodies(db), ['привет '], 'a message with a hole beats none');
  assert.equal(await partRows(db), 0);
  // The missing part, late: its group was joined, so it is ignored until the timeout passes again.
  assert.equal((await inbound.receivePart(part(2, '9'))).duplicate, true);
  assert.deepEqual(await bodies(db), ['привет ']);
  // One timeout after the join, the sweep forgets the group.
  const groups = async () =>
    (await db.kysely.selectFrom('inbound_part_groups').select('key').execute()).length;
  assert.equal(await groups(), 1);
  clock.t += 60_000;
  await inbound.sweepParts();
  assert.equal(await groups(), 0);
});

test('parts for a number no account holds are refused and not stored', async () => {
  const db = await freshDb();
  closers.push(() => db.close());
  await withAccount(db);
  const r = await inboundOn(db).receivePart({ ...part(1), to: '+15559999999' });
  assert.deepEqual(r, { stored: false, duplicate: false });
  assert.equal(await partRows(db), 0);
});
