import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { makeHandleReceipt } from '../../src/app/receipts.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import { makeDeliveryStore } from '../../src/store/adapters/delivery.js';
import { makeStore } from '../../src/store/adapters/store.js';
import { makeTwoWayStore } from '../../src/store/adapters/two-way.js';
import { insertMessage } from '../../src/store/sql/messages.js';
import { freshDb, textMessage } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

test('a delivered receipt for a message that asked for positive-delivery reaches the sender once', async () => {
  const db = await freshDb();
  closers.push(() => db.close());
  await makeAccountAdmin(makeAdminStore(db), systemClock).add({
    username: 'alice',
    password: password('alice'),
    numbers: ['+15550000001'],
    region: 'US',
  });
  const aliceId = Number((await db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id);
  const msgId = await insertMessage(
    db.kysely,
    textMessage({
      senderAccountId: aliceId,
      from: '+15550000001',
      to: '+442071838750',
      toRaw: '+44 20 7183 8750',
      body: 'hi',
      dispositionNotification: 'm-42:positive-delivery, display',
      status: 'sent',
      segments: 2,
    }),
    Date.now(),
  );
  await db.kysely
    .insertInto('carrier_refs')
    .values([
      { carrier: 'twilio', ref: 'SMa', message_id: msgId, part: 1, status: null },
      { carrier: 'twilio', ref: 'SMb', message_id: msgId, part: 2, status: null },
    ])
    .execute();
  const store = makeStore(db, systemClock);
  const twoWay = makeTwoWayStore(store, systemClock);
  let wakes = 0;
  const handle = makeHandleReceipt({
    store: makeDeliveryStore(db, systemClock),
    bounce: () => undefined,
    jobs: ['push'],
    clock: systemClock,
    outbox: { wake: () => wakes++ },
  });

  const at = Date.parse('2025-01-01T12:00:00Z');
  const delivered = (carrierRef: string) =>
    handle({ carrier: 'twilio', carrierRef, status: 'delivered', at });
  const smsId = msgId;
  assert.deepEqual(await delivered('SMa'), { matched: true, relayed: false, smsId }, 'one part of two');
  assert.deepEqual(await delivered('SMb'), { matched: true, relayed: true, smsId }, 'the last part ends it');
  assert.deepEqual(
    await delivered('SMb'),
    { matched: true, relayed: false, smsId },
    'a repeat earns nothing',
  );
  assert.deepEqual(await delivered('nope'), { matched: false, relayed: false });
  assert.equal(wakes, 1, 'the outbox is rung once, for the one notice stored');

  const inbox = await twoWay.after('received', aliceId, 0, 10);
  assert.equal(inbox.length, 1);
  const n = inbox[0]!;
  assert.equal(n.contentType, 'application/x-acro-disposition-notification');
  assert.equal(n.from, '+442071838750', 'in the same stream as the message it is about');
  assert.deepEqual(JSON.parse(n.body), {
    'message-id': 'm-42',
    'delivery-notification': { datetime: '2025-01-01T12:00:00Z', status: 'delivered' },
  });
  const jobs = await db.kysely.selectFrom('jobs').select(['kind', 'ref_id']).execute();
  assert.deepEqual(
    jobs.map((j) => [j.kind, Number(j.ref_id)]),
    [['push', n.id]],
  );
  assert.equal(await twoWay.unreadCount(aliceId), 0, 'a notification is not an unread message for the badge');
});

/** A fresh store holding one outbound text with `status`, from nobody's account. */
async function outboundMessage(status: 'sent' | 'failed') {
  const db = await freshDb();
  closers.push(() => db.close());
  const msgId = await insertMessage(
    db.kysely,
    textMessage({ senderAccountId: null, from: '+15550000001', to: '+442071838750', body: 'hi', status }),
    Date.now(),
  );
  return { db, msgId };
}

/** The receipt use-case with no notices and no push. */
const quietHandle = (store: ReturnType<typeof makeDeliveryStore>) =>
  makeHandleReceipt({
    store,
    bounce: () => undefined,
    jobs: [],
    clock: systemClock,
    outbox: { wake: () => {} },
  });

test('a failed message sent again by the operator ends delivered: the ids and refusals of its earlier send are forgotten', async () => {
  const { db, msgId } = await outboundMessage('failed');
  // The earlier send: part 1 refused by the carrier.
  await db.kysely
    .insertInto('carrier_refs')
    .values({ carrier: 'twilio', ref: 'SMold', message_id: msgId, part: 1, status: 'failed' })
    .execute();
  const delivery = makeDeliveryStore(db, systemClock);
  assert.equal(await delivery.requeue(msgId), true);
  // The new send is accepted under a new id, then sent.
  await db.kysely
    .insertInto('carrier_refs')
    .values({ carrier: 'twilio', ref: 'SMnew', message_id: msgId, part: 1, status: null })
    .execute();
  await db.kysely.updateTable('messages').set({ status: 'sent' }).where('id', '=', msgId).execute();
  const handle = quietHandle(delivery);
  assert.deepEqual(await handle({ carrier: 'twilio', carrierRef: 'SMnew', status: 'delivered' }), {
    matched: true,
    relayed: false,
    smsId: msgId,
  });
  const row = await db.kysely
    .selectFrom('messages')
    .select('status')
    .where('id', '=', msgId)
    .executeTakeFirst();
  assert.equal(row?.status, 'delivered');
});

test("a failure receipt's error text is stored with anything shaped like a credential masked", async () => {
  const { db, msgId } = await outboundMessage('sent');
  await db.kysely
    .insertInto('carrier_refs')
    .values({ carrier: 'acme', ref: 'R1', message_id: msgId, part: 1, status: null })
    .execute();
  const handle = quietHandle(makeDeliveryStore(db, systemClock));
  const r = await handle({
    carrier: 'acme',
    carrierRef: 'R1',
    status: 'failed',
    error: 'rejected: Authorization: Bearer sk_live_4f9a8b7c6d5e4f3a api_key=hunter22hunter22',
  });
  assert.equal(r.matched, true);
  const row = await db.kysely
    .selectFrom('messages')
    .select(['status', 'last_error'])
    .where('id', '=', msgId)
    .executeTakeFirstOrThrow();
  assert.equal(row.status, 'failed');
  assert.match(row.last_error ?? '', /^rejected: /);
  assert.doesNotMatch(row.last_error ?? '', /sk_live|hunter22/);
});
