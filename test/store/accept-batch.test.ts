/**
 * The send path's store, many accepts at once: on SQLite they share one group-commit transaction, on
 * PostgreSQL one statement (store/sql/accept-pg-batch.ts), and account lookups of one event-loop turn share
 * one query (store/engine/pg-lookups.ts). Each caller must still get exactly its own answer.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { NewMessage } from '../../src/app/ports.js';
import { systemClock } from '../../src/app/ports.js';
import { SmsError } from '../../src/errors.js';
import { makeStore, type Store } from '../../src/store/adapters/store.js';
import { insertAccount, insertNumbers } from '../../src/store/sql/accounts.js';
import { freshDb, textMessage } from '../helpers/db.js';

let db: Awaited<ReturnType<typeof freshDb>>;
let store: Store;
const ids: Record<string, number> = {};

before(async () => {
  db = await freshDb();
  store = makeStore(db, systemClock);
  const accounts: Array<[string, number | null, string[]]> = [
    ['poor', 5_000, ['+12025550301']],
    ['rich', 1_000_000, ['+12025550302', '+12025550303']],
    ['unlimited', null, []],
  ];
  for (const [username, creditMicros, numbers] of accounts) {
    ids[username] = await insertAccount(db.kysely, {
      username,
      passwordHash: 'x',
      region: 'US',
      creditMicros,
      now: 1,
    });
    await insertNumbers(db.kysely, ids[username]!, numbers);
  }
});

after(async () => {
  await db?.close();
});

const message = (sender: string, chargeMicros: number, body: string): NewMessage =>
  textMessage({
    senderAccountId: ids[sender]!,
    from: '+12025550300',
    to: '+12025550399',
    body,
    chargeMicros,
  });

const credit = async (username: string) =>
  (
    await db.kysely
      .selectFrom('accounts')
      .select('credit_micros')
      .where('username', '=', username)
      .executeTakeFirstOrThrow()
  ).credit_micros;

test('accepts made at once charge each sender message by message and never below zero', async () => {
  // 12 messages at 1,000 each for an account holding 5,000, mixed with paying and free senders.
  const results = await Promise.allSettled([
    ...Array.from({ length: 12 }, (_, i) => store.accept(message('poor', 1_000, `poor ${i}`), ['deliver'])),
    ...Array.from({ length: 5 }, (_, i) => store.accept(message('rich', 1_000, `rich ${i}`), ['deliver'])),
    ...Array.from({ length: 5 }, (_, i) => store.accept(message('unlimited', 1_000, `free ${i}`), [])),
  ]);
  const poor = results.slice(0, 12);
  assert.equal(poor.filter((r) => r.status === 'fulfilled').length, 5);
  for (const r of poor.filter((r) => r.status === 'rejected')) {
    assert.ok(r.reason instanceof SmsError && r.reason.code === 'SMS_ERR_NO_CREDIT');
  }
  assert.ok(results.slice(12).every((r) => r.status === 'fulfilled'));
  assert.equal(await credit('poor'), 0);
  assert.equal(await credit('rich'), 995_000);
  assert.equal(await credit('unlimited'), null);

  // Every accepted id is its own message, with one deliver job for the ones that asked for it.
  const accepted = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ id: r.value, i }] : []));
  assert.equal(new Set(accepted.map((a) => a.id)).size, accepted.length);
  const rows = await db.kysely
    .selectFrom('messages')
    .select(['id', 'body', 'charge_micros'])
    .where(
      'id',
      'in',
      accepted.map((a) => a.id),
    )
    .execute();
  const body = new Map(rows.map((r) => [Number(r.id), r.body]));
  for (const { id, i } of accepted) {
    const expected = i < 12 ? `poor ${i}` : i < 17 ? `rich ${i - 12}` : `free ${i - 17}`;
    assert.equal(body.get(id), expected);
  }
  const jobs = await db.kysely.selectFrom('jobs').select(['ref_id', 'kind']).execute();
  assert.equal(jobs.length, 10);
  assert.ok(
    jobs.every((j) => j.kind === 'deliver' && /^(poor|rich) /.test(body.get(Number(j.ref_id)) ?? '')),
  );
});

test('a batch larger than one insert statement gives every caller its own id, and leases its jobs', async () => {
  // 150 at once: on SQLite one group-commit batch, stored 64 rows to a statement (store/sql/accept-sqlite.ts).
  const lease = { owner: 'test-worker', ms: 60_000 };
  const got = (
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        store.acceptLeased(message('unlimited', 0, `many ${i}`), i % 3 === 0 ? ['deliver'] : [], lease),
      ),
    )
  ).map((a) => a.id);
  const rows = await db.kysely.selectFrom('messages').select(['id', 'body']).where('id', 'in', got).execute();
  const body = new Map(rows.map((r) => [Number(r.id), r.body]));
  assert.deepEqual(
    got.map((id) => body.get(id)),
    got.map((_, i) => `many ${i}`),
  );
  const jobs = await db.kysely
    .selectFrom('jobs')
    .select(['ref_id', 'locked_by', 'attempts'])
    .where('ref_id', 'in', got)
    .execute();
  assert.deepEqual(
    jobs.map((j) => body.get(Number(j.ref_id))).sort(),
    got.flatMap((_, i) => (i % 3 === 0 ? [`many ${i}`] : [])).sort(),
  );
  assert.ok(jobs.every((j) => j.locked_by === 'test-worker' && j.attempts === 1));
});

test('lookups made at once each get their own account with all its numbers', async () => {
  const [rich, byNumber, poor, nobody, unknownNumber] = await Promise.all([
    store.byUsername('rich'),
    store.byNumber('+12025550303'),
    store.byUsername('poor'),
    store.byUsername('nobody'),
    store.byNumber('+19999999999'),
  ]);
  assert.deepEqual(rich?.numbers, ['+12025550302', '+12025550303']);
  assert.equal(byNumber?.username, 'rich');
  assert.deepEqual(byNumber?.numbers, ['+12025550302', '+12025550303']);
  assert.equal(poor?.id, ids['poor']);
  assert.equal(nobody, undefined);
  assert.equal(unknownNumber, undefined);
});

test('a leased accept tells each caller its own message and its first job, alone or in a batch', async () => {
  const lease = { owner: 'leased-test', ms: 60_000 };
  // A lone accept (PostgreSQL: one statement of its own), then 70 at once: more than one insert
  // statement on SQLite, and on PostgreSQL two paying senders, one of whom cannot pay for them all
  // (its messages are then tried one by one).
  const lone = await store.acceptLeased(message('unlimited', 0, 'leased alone'), ['deliver'], lease);
  await db.kysely
    .updateTable('accounts')
    .set({ credit_micros: 3_000 })
    .where('username', '=', 'poor')
    .execute();
  const batch = await Promise.allSettled(
    Array.from({ length: 70 }, (_, i) =>
      store.acceptLeased(
        message(i % 10 === 0 ? 'poor' : 'unlimited', i % 10 === 0 ? 1_000 : 0, `leased ${i}`),
        i % 2 === 0 ? ['deliver', 'push'] : ['deliver'],
        lease,
      ),
    ),
  );
  assert.equal(batch.filter((r) => r.status === 'rejected').length, 4, 'poor pays for 3 of its 7');
  const got = [lone, ...batch.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
  const jobs = await db.kysely
    .selectFrom('jobs')
    .select(['id', 'ref_id', 'kind', 'locked_by'])
    .where(
      'id',
      'in',
      got.map((a) => a.leasedJob!),
    )
    .execute();
  const byId = new Map(jobs.map((j) => [Number(j.id), j]));
  for (const a of got) {
    const j = byId.get(a.leasedJob!);
    assert.ok(j, `message ${a.id}'s job ${a.leasedJob} exists`);
    assert.equal(Number(j.ref_id), a.id);
    assert.equal(j.kind, 'deliver', 'its first job');
    assert.equal(j.locked_by, 'leased-test');
  }
  // A message without jobs has no job to tell.
  assert.equal((await store.acceptLeased(message('unlimited', 0, 'x'), [], lease)).leasedJob, undefined);
});
