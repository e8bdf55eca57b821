/**
 * Receipts and reused carrier ids: each submission keeps its own carrier_refs row, a receipt updates
 * the most recent submission with that id, and finding it is one index search (it runs per receipt).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../../src/store/engine/db.js';
import { insertCarrierRefs } from '../../src/store/sql/delivery.js';
import { setPartStatus, setPartStatusQuery, submissionsOf } from '../../src/store/sql/receipts.js';
import { freshDb, queryPlan } from '../helpers/db.js';

let db: Db;
before(async () => {
  db = await freshDb();
});
after(async () => {
  await db?.close();
});

const partStatus = async (messageId: number) =>
  (
    await db.kysely
      .selectFrom('carrier_refs')
      .select('status')
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow()
  ).status;

test('a reused id keeps a row per submission, and a receipt goes to the most recent one', async () => {
  const t0 = Date.now();
  await insertCarrierRefs(db.kysely, [{ carrier: 'smsc', ref: 'msg-1', messageId: 10, part: 1 }], t0);
  // A retried older message (lower id) submitted after the SMSC counted from 1 again.
  await insertCarrierRefs(db.kysely, [{ carrier: 'smsc', ref: 'msg-1', messageId: 7, part: 1 }], t0 + 60_000);
  await insertCarrierRefs(
    db.kysely,
    [{ carrier: 'other', ref: 'msg-1', messageId: 11, part: 1 }],
    t0 + 90_000,
  );

  assert.deepEqual(await setPartStatus(db.kysely, 'smsc', 'msg-1', 'delivered'), {
    messageId: 7,
    part: 1,
    rows: 2,
  });
  assert.equal(await partStatus(7), 'delivered');
  assert.equal(await partStatus(10), null, 'the earlier submission is untouched');
  assert.equal(await partStatus(11), null, 'another carrier with the same id is untouched');
  assert.deepEqual(await submissionsOf(db.kysely, 'smsc', 'msg-1'), [7, 10]);
  assert.deepEqual(await setPartStatus(db.kysely, 'other', 'msg-1', 'failed'), {
    messageId: 11,
    part: 1,
    rows: 1,
  });
  assert.equal(await setPartStatus(db.kysely, 'smsc', 'msg-404', 'delivered'), undefined);
});

test('on SQLite the receipt finds the newest submission through the key, without a sort', async (t) => {
  if (db.dialect !== 'sqlite') return t.skip('the plan is checked on SQLite');
  const c = setPartStatusQuery(db.kysely, { carrier: 'smsc', ref: 'msg-1', status: 'delivered' }).compile();
  const details = await queryPlan(db, c);
  assert.doesNotMatch(details, /TEMP B-TREE|SCAN/, details);
  assert.match(details, /SEARCH carrier_refs USING .*INDEX .*\(carrier=\? AND ref=\?\)/, details);
});

test('on PostgreSQL the receipt finds the newest submission through the key, without a sort', async (t) => {
  if (db.dialect !== 'postgres') return t.skip('the plan is checked on PostgreSQL');
  const c = setPartStatusQuery(db.kysely, { carrier: 'smsc', ref: 'msg-1', status: 'delivered' }).compile();
  const text = await queryPlan(db, c);
  assert.doesNotMatch(text, /Sort|Seq Scan/, text);
  assert.match(text, /Index .*carrier_refs_submission_pk/, text);
});
