/**
 * The timeline's store side, on the engine the run selects: the accepted event is written by the
 * accept itself (a batch, and a message alone), never for a refused charge; old events are pruned in
 * batches by `timeline.retentionDays`; a deleted message takes its events along.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Clock, systemClock } from '../../src/app/ports.js';
import { buildConfig } from '../../src/config/index.js';
import type { PendingEvent } from '../../src/domain/timeline.js';
import { SmsError } from '../../src/errors.js';
import { makeLogger } from '../../src/main/index.js';
import { startTimelinePrune } from '../../src/main/timeline.js';
import { makeStore, type Store } from '../../src/store/adapters/store.js';
import { makeTimelineStore } from '../../src/store/adapters/timeline.js';
import { insertAccount } from '../../src/store/sql/accounts.js';
import { insertEvents, selectEvents } from '../../src/store/sql/events.js';
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

const accepted = (requestId: string): PendingEvent[] => [
  { kind: 'accepted', details: { requestId, onNet: false, priceMicros: 100 } },
];
const message = (sender: number, i: number) =>
  textMessage({
    senderAccountId: sender,
    from: '+15550001000',
    to: `+4420718387${i}`,
    body: `m${i}`,
    chargeMicros: 100,
  });

test('the accepts of one batch each write their accepted event with the message; a refused charge writes none', async () => {
  const sends = Array.from({ length: 6 }, (_, i) =>
    store.accept(message(i === 3 ? poor : payer, i), ['deliver'], undefined, accepted(`req-${i}`)),
  );
  const results = await Promise.allSettled(sends);
  assert.ok(results[3]!.status === 'rejected' && results[3]!.reason instanceof SmsError);
  const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  assert.equal(ids.length, 5);
  const events = await selectEvents(db.kysely, ids);
  assert.deepEqual(
    events.map((e) => [e.messageId, e.kind, e.details]),
    ids.map((id, k) => [
      id,
      'accepted',
      { requestId: `req-${k < 3 ? k : k + 1}`, onNet: false, priceMicros: 100 },
    ]),
  );
  const alone = await store.accept(message(payer, 9), [], undefined, accepted('req-alone'));
  assert.deepEqual(
    (await selectEvents(db.kysely, [alone])).map((e) => e.details),
    [{ requestId: 'req-alone', onNet: false, priceMicros: 100 }],
  );
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
  const id = await store.accept(message(payer, 40), [], undefined, accepted('req-gone'));
  const other = await store.accept(message(payer, 41), [], undefined, accepted('req-kept'));
  await db.kysely.deleteFrom('jobs').where('ref_id', '=', id).execute();
  await db.kysely.deleteFrom('messages').where('id', '=', id).execute();
  assert.deepEqual(await selectEvents(db.kysely, [id]), []);
  assert.equal((await selectEvents(db.kysely, [other])).length, 1);
});
