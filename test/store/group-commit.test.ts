/**
 * Group commit's two kinds of unit in one transaction (store/engine/group-commit.ts): works and lane items
 * share the batch, a lane's refusal fails only its item, and any other error rolls the whole batch back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SmsError } from '../../src/errors.js';
import { GroupCommit } from '../../src/store/engine/group-commit.js';
import { insertAccount } from '../../src/store/sql/accounts.js';
import { freshDb } from '../helpers/db.js';

let db: Awaited<ReturnType<typeof freshDb>>;
before(async () => {
  db = await freshDb();
});
after(async () => {
  await db?.close();
});

const addAccount = (username: string) => (trx: Parameters<Parameters<GroupCommit['run']>[0]>[0]) =>
  insertAccount(trx, { username, passwordHash: 'x', region: 'US', creditMicros: null, now: 1 });

const usernames = async () =>
  (await db.kysely.selectFrom('accounts').select('username').orderBy('username').execute()).map(
    (r) => r.username,
  );

test('works and lane items of one batch commit together; a refusal fails only its item', async () => {
  const group = new GroupCommit(db.kysely);
  const batches: string[][] = [];
  const lane = group.lane(async (trx, names: string[]) => {
    batches.push(names);
    const out = [];
    for (const name of names) {
      if (name.startsWith('refused')) {
        out.push({ ok: false as const, error: new SmsError('SMS_ERR_REJECTED', 'no') });
        continue;
      }
      out.push({ ok: true as const, value: await addAccount(name)(trx) });
    }
    return out;
  });
  const results = await Promise.allSettled([
    lane('lane-a'),
    group.run(addAccount('work-a')),
    lane('refused-b'),
    lane('lane-c'),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
  );
  assert.deepEqual(batches, [['lane-a', 'refused-b', 'lane-c']], 'one call of the lane per batch');
  assert.deepEqual(await usernames(), ['lane-a', 'lane-c', 'work-a']);
});

test('an error in a lane rolls back the works of its batch and rejects every caller', async () => {
  const group = new GroupCommit(db.kysely);
  const lane = group.lane<string, number>(async () => {
    throw new Error('disk on fire');
  });
  const results = await Promise.allSettled([group.run(addAccount('work-rolled-back')), lane('x')]);
  assert.deepEqual(
    results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')),
    ['disk on fire', 'disk on fire'],
  );
  assert.ok(!(await usernames()).includes('work-rolled-back'));
});

test('the observer hears of each batch once it is durable: how many units it carried and how long it took', async () => {
  const seen: Array<[number, number]> = [];
  const group = new GroupCommit(db.kysely, 1000, (units, seconds) => seen.push([units, seconds]));
  await Promise.all([group.run(addAccount('observed-a')), group.run(addAccount('observed-b'))]);
  await group.run(addAccount('observed-c'));
  assert.deepEqual(
    seen.map(([units]) => units),
    [2, 1],
  );
  assert.ok(seen.every(([, s]) => s > 0 && s < 10));
});
