import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { vonageSignature } from '../../src/carriers/vonage/webhook.js';
import { callOk } from '../helpers/http.js';
import { freshDatabaseUrl, TEST_PG_URL } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService, tempDir } from '../helpers/service.js';

// Two instances behind a load balancer, one PostgreSQL database: Vonage posts each part of a long text
// as its own call, so the parts reach different instances. They wait in the database, not in either
// process, and the instance that receives the last one joins them.
const SECRET = 'vonage-secret';
const ALICE_PW = password('alice');
const skip = TEST_PG_URL ? false : 'needs PostgreSQL: instances share a store only on PostgreSQL';
const services: TestService[] = [];

before(async () => {
  if (skip) return;
  const databaseUrl = await freshDatabaseUrl();
  for (let i = 0; i < 2; i++) {
    services.push(
      await startTestService({
        databaseUrl,
        push: { enabled: false },
        inbound: {
          carriers: { vonage: { type: 'vonage', signatureSecret: SECRET, signatureMethod: 'sha256' } },
        },
      }),
    );
  }
  await services[0]!.admin.add({
    username: 'alice',
    password: ALICE_PW,
    numbers: ['+447700900000'],
    region: 'GB',
  });
});
after(async () => {
  for (const s of services) await s.close();
});

async function postPart(svc: TestService, n: number, text: string): Promise<number> {
  const fields: Record<string, string> = {
    msisdn: '447700900001',
    to: '447700900000',
    messageId: `P${n}`,
    text,
    type: 'unicode',
    concat: 'true',
    'concat-ref': '42',
    'concat-total': '3',
    'concat-part': String(n),
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  fields['sig'] = vonageSignature(fields, SECRET, 'sha256');
  const res = await fetch(`${svc.url}/inbound/vonage`, { method: 'POST', body: new URLSearchParams(fields) });
  await res.arrayBuffer();
  return res.status;
}

test('Vonage parts posted to two instances on one database are joined into one message', {
  skip,
}, async () => {
  const [a, b] = services as [TestService, TestService];
  assert.equal(await postPart(a, 2, 'second, '), 200);
  assert.equal(await postPart(b, 1, 'first, '), 200);
  assert.equal(await postPart(b, 1, 'first, '), 200, 'a carrier retry');
  const fetched = async () =>
    (await callOk(a.url, '/fetch_messages', { username: 'alice', password: ALICE_PW })).received_smss;
  assert.deepEqual(await fetched(), [], 'nothing before the last part');
  assert.equal(await postPart(a, 3, 'third ✓'), 200);
  const got = await fetched();
  assert.deepEqual(
    got.map((m) => [m['sender'], m['sms_text']]),
    [['+447700900001', 'first, second, third ✓']],
  );
});

test('parts of one message posted to both instances at once are joined exactly once', { skip }, async () => {
  const [a, b] = services as [TestService, TestService];
  const before = (await a.db.kysely.selectFrom('messages').select('id').execute()).length;
  const sendAll = async (ref: string) => {
    const post = (svc: TestService, n: number) => {
      const fields: Record<string, string> = {
        msisdn: '447700900002',
        to: '447700900000',
        messageId: `${ref}-${n}`,
        text: `p${n} `,
        concat: 'true',
        'concat-ref': ref,
        'concat-total': '4',
        'concat-part': String(n),
        timestamp: String(Math.floor(Date.now() / 1000)),
      };
      fields['sig'] = vonageSignature(fields, SECRET, 'sha256');
      return fetch(`${svc.url}/inbound/vonage`, { method: 'POST', body: new URLSearchParams(fields) }).then(
        (r) => r.status,
      );
    };
    return Promise.all([post(a, 1), post(b, 2), post(a, 3), post(b, 4)]);
  };
  for (let i = 0; i < 10; i++) assert.deepEqual(await sendAll(`r${i}`), [200, 200, 200, 200]);
  const rows = await a.db.kysely
    .selectFrom('messages')
    .select('body')
    .where('from_addr', '=', '+447700900002')
    .execute();
  assert.equal(rows.length, 10, 'one message per group');
  for (const r of rows) assert.equal(r.body, 'p1 p2 p3 p4 ');
  assert.equal((await a.db.kysely.selectFrom('messages').select('id').execute()).length, before + 10);
  assert.equal((await a.db.kysely.selectFrom('inbound_parts').select('seq').execute()).length, 0);
});

test('a Vonage part received before a restart is joined with the rest after it', async () => {
  const store = { dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() };
  const start = () =>
    startTestService({
      ...store,
      push: { enabled: false },
      inbound: {
        carriers: { vonage: { type: 'vonage', signatureSecret: SECRET, signatureMethod: 'sha256' } },
      },
    });
  const first = await start();
  await first.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+447700900000'], region: 'GB' });
  assert.equal(await postPart(first, 1, 'before, '), 200);
  assert.equal(await postPart(first, 3, 'after'), 200);
  await first.close();
  const second = await start();
  try {
    assert.equal(await postPart(second, 2, 'during, '), 200);
    const got = (await callOk(second.url, '/fetch_messages', { username: 'alice', password: ALICE_PW }))
      .received_smss;
    assert.deepEqual(
      got.map((m) => m['sms_text']),
      ['before, during, after'],
    );
  } finally {
    await second.close();
  }
});
