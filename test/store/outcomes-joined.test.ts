/**
 * Delivery outcomes written through the store's `inTransaction` (store/adapters/delivery.ts), on both
 * engines: on SQLite they ride the group commit with the accepts; an outcome batch that meets an error
 * leaves nothing of itself behind, an `SmsError` included, which the group commit would otherwise take
 * for one unit's refusal and commit what the batch had written before it.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '../../src/app/ports.js';
import { SmsError } from '../../src/errors.js';
import { makeDeliveryStore } from '../../src/store/adapters/delivery.js';
import { makeStore } from '../../src/store/adapters/store.js';
import { NO_EVENTS } from '../../src/store/adapters/webhook-events.js';
import { findMessage } from '../../src/store/sql/messages.js';
import { freshDb, queueMessages } from '../helpers/db.js';

const db = await freshDb();
after(() => db.close());
let committedUnits = 0;
const store = makeStore(db, systemClock, (units) => {
  committedUnits += units;
});

/** A queued message and its deliver job. */
async function queued(body: string): Promise<{ messageId: number; jobId: number }> {
  const [messageId] = await queueMessages(db, 1, () => ({
    senderAccountId: null,
    from: '+15550007101',
    to: '+442071838750',
    body,
  }));
  const job = await db.kysely
    .selectFrom('jobs')
    .select('id')
    .where('ref_id', '=', messageId!)
    .executeTakeFirstOrThrow();
  return { messageId: messageId!, jobId: Number(job.id) };
}

const refsOf = async (messageId: number) =>
  (await db.kysely.selectFrom('carrier_refs').select('ref').where('message_id', '=', messageId).execute())
    .length;
const jobsOf = async (messageId: number) =>
  (await db.kysely.selectFrom('jobs').select('id').where('ref_id', '=', messageId).execute()).length;

test('a sent outcome is written in the store transaction: on SQLite, in a group commit', async () => {
  const delivery = makeDeliveryStore(db, systemClock, undefined, NO_EVENTS, store.inTransaction);
  const { messageId, jobId } = await queued('joined');
  const before = committedUnits;
  await delivery.recordSent({ messageId, jobId, carrier: 'smsc', refs: ['j-1'] });
  assert.equal((await findMessage(db.kysely, messageId))?.status, 'sent');
  assert.equal(await refsOf(messageId), 1);
  assert.equal(await jobsOf(messageId), 0);
  // PostgreSQL has no group commit: the store's transaction there is a plain one.
  if (db.dialect === 'sqlite') assert.ok(committedUnits > before, 'the outcome rode a group commit');
  else assert.equal(committedUnits, before);
});

test('an outcome batch that meets an SmsError is rolled back whole, and its caller hears it', async () => {
  const failing = {
    messages: async () => {
      throw new SmsError('SMS_ERR_BAD_REQUEST', 'an error a group commit would take for a refusal');
    },
  };
  const delivery = makeDeliveryStore(db, systemClock, undefined, failing, store.inTransaction);
  const { messageId, jobId } = await queued('rolled back');
  await assert.rejects(delivery.recordSent({ messageId, jobId, carrier: 'smsc', refs: ['j-2'] }), /refusal/);
  // The carrier ref and the status were written before the error: neither stayed.
  assert.equal((await findMessage(db.kysely, messageId))?.status, 'queued');
  assert.equal(await refsOf(messageId), 0);
  assert.equal(await jobsOf(messageId), 1);
});
