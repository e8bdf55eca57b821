/**
 * Delivery receipts in the store (`store/adapters/delivery.ts` `applyReceipt`), on both engines: a message sent
 * in parts is delivered once the receipt of its last part is in, a failed part fails it, and a receipt
 * for an unknown id matches nothing.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '../../src/app/ports.js';
import { makeDeliveryStore } from '../../src/store/adapters/delivery.js';
import { insertAccount } from '../../src/store/sql/accounts.js';
import { findMessage } from '../../src/store/sql/messages.js';
import { freshDb, queueMessages } from '../helpers/db.js';

const db = await freshDb();
after(() => db.close());
const store = makeDeliveryStore(db, systemClock);
const sender = await db.kysely.transaction().execute((trx) =>
  insertAccount(trx, {
    username: 'rcpt',
    passwordHash: 'x',
    region: 'US',
    creditMicros: null,
    now: Date.now(),
  }),
);

/** A queued message recorded as sent by carrier `c` in parts with `refs`; returns its id. */
async function sentInParts(refs: string[]): Promise<number> {
  const [id] = await queueMessages(db, 1, () => ({
    senderAccountId: sender,
    from: '+15550007001',
    to: '+15550007002',
    body: 'a long message',
  }));
  const job = await db.kysely
    .selectFrom('jobs')
    .select('id')
    .where('ref_id', '=', id!)
    .executeTakeFirstOrThrow();
  await store.recordSent({ messageId: id!, jobId: Number(job.id), carrier: 'c', refs });
  return id!;
}

const status = async (id: number) => (await findMessage(db.kysely, id))?.status;
const none = { bounce: () => undefined, delivered: () => undefined };

test('a message in three parts is delivered only when the receipt of its last part is in', async () => {
  const id = await sentInParts(['p1', 'p2', 'p3']);
  assert.deepEqual(await store.applyReceipt({ carrier: 'c', carrierRef: 'p2', status: 'delivered' }, none), {
    matched: true,
    notified: false,
    smsId: id,
  });
  await store.applyReceipt({ carrier: 'c', carrierRef: 'p1', status: 'delivered' }, none);
  assert.equal(await status(id), 'sent');
  // The same part reported twice changes nothing.
  await store.applyReceipt({ carrier: 'c', carrierRef: 'p1', status: 'delivered' }, none);
  assert.equal(await status(id), 'sent');
  await store.applyReceipt({ carrier: 'c', carrierRef: 'p3', status: 'delivered' }, none);
  assert.equal(await status(id), 'delivered');
});

test('receipts of one batch for every part of a message deliver it; another carrier’s refs do not count', async () => {
  const id = await sentInParts(['q1', 'q2']);
  const [a, b, c] = await Promise.all([
    store.applyReceipt({ carrier: 'c', carrierRef: 'q1', status: 'delivered' }, none),
    store.applyReceipt({ carrier: 'c', carrierRef: 'q2', status: 'delivered' }, none),
    store.applyReceipt({ carrier: 'other', carrierRef: 'q1', status: 'delivered' }, none),
  ]);
  assert.deepEqual(
    [a, b, c].map((r) => r.matched),
    [true, true, false],
  );
  assert.equal(await status(id), 'delivered');
});

test('a failed part fails the message, and a later delivered part does not bring it back', async () => {
  const id = await sentInParts(['f1', 'f2']);
  await store.applyReceipt({ carrier: 'c', carrierRef: 'f1', status: 'failed', error: 'UNDELIV' }, none);
  assert.equal(await status(id), 'failed');
  await store.applyReceipt({ carrier: 'c', carrierRef: 'f2', status: 'delivered' }, none);
  assert.equal(await status(id), 'failed');
});
