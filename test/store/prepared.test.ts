/**
 * Statements compiled once (store/engine/prepared.ts): a reused form binds the new values, each size of a
 * bulk statement gets its own form, and a `params` in the wrong order fails on first use, for
 * `prepare` and `prepareSized` alike.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { prepare, prepareRaw, prepareSized } from '../../src/store/engine/prepared.js';
import { deleteJobs } from '../../src/store/sql/outbox.js';
import { freshDb } from '../helpers/db.js';

const db = await freshDb();
after(() => db.close());

async function addJobs(n: number): Promise<number[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    kind: 'deliver',
    ref_id: 1000 + i,
    run_at: 0,
    attempts: 0,
    created_at: 0,
  }));
  const out = await db.kysely.insertInto('jobs').values(rows).returning('id').execute();
  return out.map((r) => Number(r.id));
}

const left = async () =>
  (await db.kysely.selectFrom('jobs').select('id').orderBy('id').execute()).map((r) => Number(r.id));

test('a form compiled for one size deletes exactly the ids of each later call of that size', async () => {
  const ids = await addJobs(7);
  await deleteJobs(db.kysely, [ids[0]!, ids[1]!]);
  await deleteJobs(db.kysely, [ids[3]!, ids[5]!]); // same size: the compiled form with new values
  await deleteJobs(db.kysely, [ids[6]!]); // another size
  assert.deepEqual(await left(), [ids[2], ids[4]]);
  await deleteJobs(db.kysely, [ids[2]!, ids[4]!]);
});

test('params in another order than the bound values fail on first use and change nothing', async () => {
  const ids = await addJobs(2);
  const wrong = prepareSized(
    (q, a: { ids: number[]; kind: string }) =>
      q.deleteFrom('jobs').where('id', 'in', a.ids).where('kind', '=', a.kind),
    (a) => [a.kind, ...a.ids],
    (a) => a.ids.length,
  );
  await assert.rejects(wrong.run(db.kysely, { ids, kind: 'deliver' }), /do not match the bound values/);
  assert.deepEqual(await left(), ids);
});

test('a statement of one shape whose params are misordered fails on first use instead of reading the wrong rows', async () => {
  await db.kysely.deleteFrom('jobs').execute();
  const ids = await addJobs(2);
  const byKindAndRef = (order: 'right' | 'wrong') =>
    prepare(
      (q, a: { kind: string; refId: number }) =>
        q.selectFrom('jobs').select('id').where('kind', '=', a.kind).where('ref_id', '=', a.refId),
      (a) => (order === 'right' ? [a.kind, a.refId] : [a.refId, a.kind]),
    );
  await assert.rejects(
    byKindAndRef('wrong').run(db.kysely, { kind: 'deliver', refId: 1000 }),
    /do not match the bound values/,
  );
  const right = byKindAndRef('right');
  const first = await right.run(db.kysely, { kind: 'deliver', refId: 1000 });
  const second = await right.run(db.kysely, { kind: 'deliver', refId: 1001 }); // the compiled form, new values
  assert.deepEqual(
    [first.rows.map((r) => Number(r.id)), second.rows.map((r) => Number(r.id))],
    [[ids[0]], [ids[1]]],
  );
  await deleteJobs(db.kysely, ids);
});

test('a hand-written statement whose values do not fit its placeholders fails on first use', async () => {
  const sql = 'select $1::text as kind, $2::integer as ref';
  const run = (values: unknown[]) =>
    prepareRaw<void, { kind: string; ref: number }>(sql, () => values).run(db.kysely, undefined);
  await assert.rejects(run([7, 'deliver']), /the value of \$1 is not text/);
  await assert.rejects(run(['deliver']), /\$2 has no value/);
  await assert.rejects(run(['deliver', 7, 8]), /1 values have no placeholder/);
  await assert.rejects(
    prepareRaw('select $1 as kind', () => ['deliver']).run(db.kysely, undefined),
    /\$1 has no cast/,
  );
});
