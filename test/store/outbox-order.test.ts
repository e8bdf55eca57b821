/**
 * Jobs with one `order_key` run one at a time, oldest first (`store/sql/outbox.ts`, `claimDue`), on the
 * engine the suite runs on: event webhooks rely on it to post a message's events in order.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { claimDue, deleteJobs, insertJob, rescheduleJob } from '../../src/store/sql/outbox.js';
import { freshDb } from '../helpers/db.js';

let db: Awaited<ReturnType<typeof freshDb>>;
before(async () => {
  db = await freshDb();
});
after(async () => {
  await db.close();
});

const NOW = 1_000_000;
const claim = (limit = 10, now = NOW) =>
  claimDue(db.kysely, db.dialect, {
    kinds: ['webhook', 'deliver'],
    limit,
    leaseMs: 60_000,
    now,
    owner: 'w1',
  });

async function keyed(refId: number, key: string | null): Promise<number> {
  const r = await db.kysely
    .insertInto('jobs')
    .values({ kind: 'webhook', ref_id: refId, run_at: NOW, attempts: 0, created_at: NOW, order_key: key })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

test('a job waits while an earlier job of its key is pending, running or retrying; other keys and unkeyed jobs do not', async () => {
  const a1 = await keyed(1, 'crm|m1');
  const a2 = await keyed(2, 'crm|m1');
  const a3 = await keyed(3, 'crm|m1');
  const b1 = await keyed(4, 'crm|m2');
  const other = await keyed(5, 'erp|m1');
  await insertJob(db.kysely, 'deliver', 9, NOW);
  const first = await claim();
  assert.deepEqual(
    first.map((j) => j.refId).sort(),
    [1, 4, 5, 9],
    'the first of each key, and the unkeyed job, are claimed; the later ones of crm|m1 are not',
  );
  // a1 fails and is due again later: a2 still waits behind it, even after a1's lease is released.
  await rescheduleJob(db.kysely, a1, NOW + 5_000);
  assert.deepEqual(
    (await claim(10, NOW + 1)).map((j) => j.refId),
    [],
  );
  // a1 delivered (deleted): a2 is next, and only a2.
  await deleteJobs(db.kysely, [a1, b1, other]);
  assert.deepEqual(
    (await claim(10, NOW + 2)).map((j) => j.id),
    [a2],
  );
  await deleteJobs(db.kysely, [a2]);
  assert.deepEqual(
    (await claim(10, NOW + 3)).map((j) => j.id),
    [a3],
  );
});
