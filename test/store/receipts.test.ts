/**
 * Delivery receipts in the store (`store/adapters/delivery.ts` `applyReceipt`), on both engines: a message sent
 * in parts is delivered once the receipt of its last part is in, a failed part fails it, and a receipt
 * for an unknown id matches nothing. A receipt right behind its own `sent` outcome (a fast SMSC) matches
 * at its first try, whether the two are written in transactions of their own or, as the service
 * writes them, in the store's group commit.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '../../src/app/ports.js';
import { makeDeliveryStore } from '../../src/store/adapters/delivery.js';
import { makeStore } from '../../src/store/adapters/store.js';
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

/** A queued message and its deliver job's id. */
async function queued(): Promise<{ id: number; jobId: number }> {
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
  return { id: id!, jobId: Number(job.id) };
}

/** A queued message recorded as sent by carrier `c` in parts with `refs`; returns its id. */
async function sentInParts(refs: string[]): Promise<number> {
  const { id, jobId } = await queued();
  await store.recordSent({ messageId: id, jobId, carrier: 'c', refs });
  return id;
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

test('one batch ends each message as receipts one at a time would: parts, repeats, failures before and after', async () => {
  const whole = await sentInParts(['b1', 'b2']); // both parts in the batch: delivered, by the last
  const half = await sentInParts(['h1', 'h2']); // one part only: still sent
  const repeated = await sentInParts(['r1']); // the same receipt twice: delivered once
  const thenFailed = await sentInParts(['t1']); // delivered, then a failure for it: stays delivered
  const failedFirst = await sentInParts(['x1', 'x2']); // a part fails, then the other is delivered
  const asked: number[] = [];
  const notices = {
    bounce: () => undefined,
    delivered: (m: { id: number }) => {
      asked.push(m.id);
      return undefined;
    },
  };
  const r = (carrierRef: string, status: 'delivered' | 'failed' = 'delivered') =>
    store.applyReceipt(
      { carrier: 'c', carrierRef, status, ...(status === 'failed' ? { error: 'x' } : {}) },
      notices,
    );
  const results = await Promise.all([
    r('b1'),
    r('h1'),
    r('r1'),
    r('t1'),
    r('x1', 'failed'),
    r('b2'),
    r('r1'),
    r('t1', 'failed'),
    r('x2'),
  ]);
  assert.deepEqual(
    results.map((x) => x.matched),
    results.map(() => true),
  );
  assert.deepEqual(await Promise.all([whole, half, repeated, thenFailed, failedFirst].map(status)), [
    'delivered',
    'sent',
    'delivered',
    'delivered',
    'failed',
  ]);
  // A notice is asked for once per message a receipt ended, never for one it did not.
  assert.deepEqual(
    asked.sort((a, b) => a - b),
    [whole, repeated, thenFailed].sort((a, b) => a - b),
  );
});

for (const how of ['own transactions', 'the group commit'] as const) {
  test(`a receipt right behind its sent outcome, not yet written, matches at its first try (${how})`, async () => {
    const writes = how === 'own transactions' ? undefined : makeStore(db, systemClock).inTransaction;
    const racing = makeDeliveryStore(db, systemClock, undefined, undefined, writes);
    const messages = [];
    for (let i = 0; i < 20; i++) messages.push(await queued());
    // A batch of outcomes is being written, so the next waits for the outcome batches' gap (a few ms
    // under load); receipts have their own batches, which have not been written for a while.
    const first = messages.shift()!;
    const sent = [
      racing.recordSent({ messageId: first.id, jobId: first.jobId, carrier: 'fast', refs: [`r-${how}-0`] }),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    // As an SMPP link hands them over: each submit_sm_resp, and at once its receipt.
    const receipts: ReturnType<typeof racing.applyReceipt>[] = [];
    for (const [i, { id, jobId }] of messages.entries()) {
      const ref = `r-${how}-${i + 1}`;
      sent.push(racing.recordSent({ messageId: id, jobId, carrier: 'fast', refs: [ref] }));
      receipts.push(racing.applyReceipt({ carrier: 'fast', carrierRef: ref, status: 'delivered' }, none));
    }
    await Promise.all(sent);
    assert.deepEqual(
      (await Promise.all(receipts)).map((r) => r.matched),
      messages.map(() => true),
    );
    for (const { id } of messages) assert.equal(await status(id), 'delivered');
  });
}
