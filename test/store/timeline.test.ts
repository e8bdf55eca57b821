/**
 * The timeline's store side, on the engine the run selects: the accept writes no event row, but keeps
 * its request id on the message (a batch, and a message alone; nothing for a refused charge), and the
 * timeline reads the `accepted` event from it: first, with the price it was accepted at even after a
 * refund, and exactly one where an older database stored it as a row; old events are pruned in
 * batches by `timeline.retentionDays` (the accepted event stays with its message); a deleted message
 * takes its events along.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Clock, systemClock } from '../../src/app/ports.js';
import { makeReadTimeline } from '../../src/app/timeline.js';
import { buildConfig } from '../../src/config/index.js';
import { SmsError } from '../../src/errors.js';
import { makeLogger } from '../../src/main/index.js';
import { startTimelinePrune } from '../../src/main/timeline.js';
import { makeStore, type Store } from '../../src/store/adapters/store.js';
import { makeTimelineStore } from '../../src/store/adapters/timeline.js';
import { insertAccount } from '../../src/store/sql/accounts.js';
import { markFailedBeforeSend, refundCharge } from '../../src/store/sql/delivery.js';
import { findAcceptance, insertEvents, selectEvents } from '../../src/store/sql/events.js';
import { freshDb, textMessage } from '../helpers/db.js';

let db: Awaited<ReturnType<typeof freshDb>>;
let store: Store;
let payer: number;
let poor: number;

before(async () => {
  db = await freshDb();
  store = makeStore(db, systemClock);
  const account = (username: string, creditMicros: number) =>
    insertAccount(db.kysely, { username, passwordHash: 'x', region: 'US', creditMicros, now: 1 });
  payer = await account('payer', 1_000_000);
  poor = await account('poor', 10);
});
after(async () => {
  await db?.close();
});

/** `requestId` null: a message Send Message did not store, or stored before migration 0019. */
const message = (sender: number, i: number, requestId: string | null = `req-${i}`) =>
  textMessage({
    senderAccountId: sender,
    from: '+15550001000',
    to: `+4420718387${i}`,
    body: `m${i}`,
    chargeMicros: 100,
    ...(requestId === null ? {} : { requestId }),
  });

const readTimeline = () => makeReadTimeline(makeTimelineStore(db));

test('the accepts of one batch each keep their request id on the message and write no event; a refused charge keeps nothing', async () => {
  const sends = Array.from({ length: 6 }, (_, i) =>
    store.accept(message(i === 3 ? poor : payer, i), ['deliver']),
  );
  const results = await Promise.allSettled(sends);
  assert.ok(results[3]!.status === 'rejected' && results[3]!.reason instanceof SmsError);
  const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  assert.equal(ids.length, 5);
  assert.deepEqual(await selectEvents(db.kysely, ids), []);
  assert.deepEqual(
    await Promise.all(ids.map((id) => findAcceptance(db.kysely, id))),
    ids.map((_, k) => ({ requestId: `req-${k < 3 ? k : k + 1}`, refundedMicros: 0 })),
  );
  const stored = await db.kysely
    .selectFrom('messages')
    .select('id')
    .where('to_addr', '=', '+44207183873')
    .execute();
  assert.deepEqual(stored, [], 'the refused one is not stored');
  const alone = await store.accept(message(payer, 9, 'req-alone'), []);
  assert.deepEqual(await findAcceptance(db.kysely, alone), { requestId: 'req-alone', refundedMicros: 0 });
  const none = await store.accept(message(payer, 8, ''), []);
  assert.deepEqual(await findAcceptance(db.kysely, none), { requestId: null, refundedMicros: 0 });
});

test('the accepted event is read from the message: first, with its request id, on-net or off, and its price', async () => {
  const offNet = await store.accept(message(payer, 10, 'req-off'), ['deliver']);
  const onNet = await store.accept(
    { ...message(payer, 11, 'req-on'), recipientAccountId: poor, status: 'delivered', chargeMicros: 7 },
    [],
  );
  const created = Number(
    (
      await db.kysely
        .selectFrom('messages')
        .select('created_at')
        .where('id', '=', offNet)
        .executeTakeFirstOrThrow()
    ).created_at,
  );
  // A later event written at the same time, and one from before it (a clock stepped back): accepted stays first.
  await insertEvents(db.kysely, [
    { messageId: offNet, at: created, kind: 'routed', details: { carriers: ['smsc'] } },
    { messageId: offNet, at: created - 5, kind: 'retry', details: { by: 'operator' } },
  ]);
  const off = await readTimeline()(offNet);
  assert.deepEqual(
    off!.events.map((e) => [e.kind, e.at, e.details]),
    [
      ['accepted', created, { requestId: 'req-off', onNet: false, priceMicros: 100 }],
      ['retry', created - 5, { by: 'operator' }],
      ['routed', created, { carriers: ['smsc'] }],
    ],
  );
  assert.deepEqual(
    JSON.stringify(off!.events[0]!.details),
    '{"requestId":"req-off","onNet":false,"priceMicros":100}',
  );
  const on = await readTimeline()(onNet);
  assert.deepEqual(
    on!.events.map((e) => [e.kind, e.details]),
    [['accepted', { requestId: 'req-on', onNet: true, priceMicros: 7 }]],
  );
  assert.ok(off!.events[0]!.id < 1 && on!.events[0]!.id < 1, 'an id no stored event has');
});

test('a refused or given-up message keeps the price it was accepted at, also after a retry fails again', async () => {
  const before = await db.kysely
    .selectFrom('accounts')
    .select('credit_micros')
    .where('id', '=', payer)
    .executeTakeFirstOrThrow();
  const id = await store.accept(message(payer, 12, 'req-refused'), ['deliver']);
  const fail = (now: number) =>
    db.kysely.transaction().execute(async (trx) => {
      await refundCharge(trx, id);
      return markFailedBeforeSend(trx, { id, error: 'refused', carrier: 'smsc', counted: 1, now });
    });
  assert.equal(await fail(Date.now()), true);
  const after1 = await db.kysely
    .selectFrom('accounts')
    .select('credit_micros')
    .where('id', '=', payer)
    .executeTakeFirstOrThrow();
  assert.equal(Number(after1.credit_micros), Number(before.credit_micros), 'refunded');
  let t = await readTimeline()(id);
  assert.equal(t!.message.chargeMicros, 0);
  assert.deepEqual(t!.events[0]!.details, { requestId: 'req-refused', onNet: false, priceMicros: 100 });
  // An operator's retry (the refunded charge is not taken again), refused again.
  await db.kysely.updateTable('messages').set({ status: 'queued' }).where('id', '=', id).execute();
  assert.equal(await fail(Date.now()), true);
  t = await readTimeline()(id);
  assert.deepEqual(t!.events[0]!.details, { requestId: 'req-refused', onNet: false, priceMicros: 100 });
});

test('a database written before the accept kept its event on the message shows its stored accepted row, once', async () => {
  // As an older version stored it: no request id on the message, the event as a row.
  const old = await store.accept(message(payer, 13, null), []);
  const at = Date.now();
  await insertEvents(db.kysely, [
    {
      messageId: old,
      at,
      kind: 'accepted',
      details: { requestId: 'req-old', onNet: false, priceMicros: 100 },
    },
    { messageId: old, at: at + 1, kind: 'retry', details: { by: 'operator' } },
  ]);
  assert.equal(await findAcceptance(db.kysely, old), undefined);
  const t = await readTimeline()(old);
  assert.deepEqual(
    t!.events.map((e) => [e.kind, e.details]),
    [
      ['accepted', { requestId: 'req-old', onNet: false, priceMicros: 100 }],
      ['retry', { by: 'operator' }],
    ],
  );
  // Even with a request id on the message too (an instance of each version on one database): one.
  const both = await store.accept(message(payer, 14, 'req-new'), []);
  await insertEvents(db.kysely, [
    {
      messageId: both,
      at,
      kind: 'accepted',
      details: { requestId: 'req-row', onNet: false, priceMicros: 100 },
    },
  ]);
  assert.deepEqual(
    (await readTimeline()(both))!.events.map((e) => [e.kind, e.details]),
    [['accepted', { requestId: 'req-row', onNet: false, priceMicros: 100 }]],
  );
});

test('a message that Send Message did not store has no accepted event', async () => {
  const inbound = await store.accept({ ...message(payer, 15, null), status: 'received' }, []);
  assert.deepEqual((await readTimeline()(inbound))!.events, []);
});

test('events older than the retention are pruned in batches; newer ones and other messages stay', async () => {
  const id = await store.accept(message(payer, 20), []);
  const old = Array.from({ length: 5 }, (_, i) => ({
    messageId: id,
    at: 1_000 + i,
    kind: 'retry' as const,
    details: { by: 'operator' as const },
  }));
  await insertEvents(db.kysely, [...old, { ...old[0]!, at: 50_000 }]);
  const pruned = await makeTimelineStore(db).pruneBefore(10_000, 2);
  assert.equal(pruned, 5);
  assert.deepEqual(
    (await selectEvents(db.kysely, [id])).map((e) => e.at),
    [50_000],
  );
  // The accepted event is the message's own: it lives as long as the message.
  assert.deepEqual(
    (await readTimeline()(id))!.events.map((e) => e.kind),
    ['accepted', 'retry'],
  );
});

test('the prune runs at start with timeline.retentionDays set, and keeps everything with 0', async () => {
  const id = await store.accept(message(payer, 30), []);
  const day = 86_400_000;
  const clock: Clock = { now: () => 100 * day };
  await insertEvents(db.kysely, [
    { messageId: id, at: 97 * day, kind: 'retry', details: { by: 'operator' } },
    { messageId: id, at: 99 * day, kind: 'retry', details: { by: 'operator' } },
  ]);
  const logger = makeLogger(buildConfig({ log: { level: 'silent' } }));
  const keep = startTimelinePrune(buildConfig({ timeline: { retentionDays: 0 } }), db, clock, logger);
  await keep.stop();
  assert.equal((await selectEvents(db.kysely, [id])).length, 2);
  const prune = startTimelinePrune(buildConfig({ timeline: { retentionDays: 2 } }), db, clock, logger);
  await prune.stop();
  assert.deepEqual(
    (await selectEvents(db.kysely, [id])).map((e) => e.at),
    [99 * day],
  );
});

test('deleting a message deletes its timeline with it', async () => {
  const id = await store.accept(message(payer, 40), []);
  const other = await store.accept(message(payer, 41), []);
  const retry = { at: 1, kind: 'retry' as const, details: { by: 'operator' as const } };
  await insertEvents(db.kysely, [
    { ...retry, messageId: id },
    { ...retry, messageId: other },
  ]);
  await db.kysely.deleteFrom('jobs').where('ref_id', '=', id).execute();
  await db.kysely.deleteFrom('messages').where('id', '=', id).execute();
  assert.deepEqual(await selectEvents(db.kysely, [id]), []);
  assert.equal((await selectEvents(db.kysely, [other])).length, 1);
});
