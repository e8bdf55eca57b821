/**
 * A message that becomes visible after the app's cursor has passed its id is still fetched.
 *
 * On PostgreSQL ids come from a sequence before commit: message 5 can commit after message 6, and an
 * app that fetched 6 in between asks "after 6" from then on. The fetch rule returns received messages
 * no device has fetched yet even below the cursor (app/fetch-messages.ts). The race is reproduced
 * exactly by giving a late row an id below the cursor.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('late');

before(async () => {
  svc = await startTestService({ push: { enabled: false } });
  for (const [u, n] of [
    ['alice', '+15550000101'],
    ['bob', '+15550000102'],
    ['carol', '+15550000103'],
  ] as const) {
    await svc.admin.add({ username: u, password: PW, numbers: [n], region: 'US' });
  }
});
after(() => svc.close());

const send = async (to: string, body: string) => {
  const res = await fetch(`${svc.url}/send_message`, {
    method: 'POST',
    body: JSON.stringify({ from: 'alice', password: PW, to, body }),
  });
  assert.equal(res.status, 200);
  return Number(((await res.json()) as { sms_id: string }).sms_id);
};

const fetchBob = async (lastId: number) => {
  const res = await fetch(`${svc.url}/fetch_messages`, {
    method: 'POST',
    body: JSON.stringify({ username: 'bob', password: PW, last_id: String(lastId), last_sent_id: '' }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { received_smss: Array<{ sms_id: string; sms_text: string }> }).received_smss;
};

test('a message committed late below the cursor reaches the next fetch once, in id order', async () => {
  const first = await send('bob', 'one');
  const gap = await send('carol', 'for carol');
  const third = await send('bob', 'three');
  assert.deepEqual(
    (await fetchBob(first - 1)).map((m) => Number(m.sms_id)),
    [first, third],
  );

  // The late commit: a message to bob whose id lies below the cursor the app now holds.
  const row = await svc.db.kysely
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', gap)
    .executeTakeFirstOrThrow();
  await svc.db.kysely.deleteFrom('messages').where('id', '=', gap).execute();
  const accounts = await svc.db.kysely.selectFrom('accounts').select(['id', 'username']).execute();
  const bobId = Number(accounts.find((a) => a.username === 'bob')!.id);
  await svc.db.kysely
    .insertInto('messages')
    .values({ ...row, id: gap, recipient_account_id: bobId, to_addr: 'bob', body: 'late two', displayed: 0 })
    .execute();

  const next = await fetchBob(third);
  assert.deepEqual(
    next.map((m) => [Number(m.sms_id), m.sms_text]),
    [[gap, 'late two']],
  );
  assert.deepEqual(await fetchBob(third), [], 'fetched once, then it counts as displayed');
});
