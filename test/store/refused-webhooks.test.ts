/** The refused-webhooks table keeps only the newest `keep` rows: it is trimmed on every insert. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { recordingRefusals } from '../../src/app/refused-webhooks.js';
import { makeRefusedWebhookLog } from '../../src/store/adapters/admin.js';
import { freshDb } from '../helpers/db.js';

const db = await freshDb();
after(() => db.close());

test('after more inserts than it keeps, only the newest remain, newest first', async () => {
  const table = makeRefusedWebhookLog(db);
  for (let i = 1; i <= 7; i++) {
    await table.record({ carrier: 'acme', at: i, reason: `r${i}`, excerpt: 'POST /inbound/acme' }, 3);
  }
  assert.deepEqual(
    (await table.recent(10)).map((w) => w.reason),
    ['r7', 'r6', 'r5'],
  );
  const count = await db.kysely
    .selectFrom('refused_webhooks')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 3);
});

test('a refused call whose name and body carry NUL bytes is still recorded, on both engines', async () => {
  const table = makeRefusedWebhookLog(db);
  const errors: string[] = [];
  const receive = recordingRefusals(
    async () => ({ kind: 'unknown-carrier' }),
    table,
    { now: () => 1_000 },
    { error: (_f, msg) => errors.push(msg), warn: () => {}, info: () => {} },
  );
  await receive('ac\u0000me', {
    method: 'POST',
    url: 'https://tb.example/inbound/ac%00me',
    headers: {},
    rawBody: Buffer.from('from=+15550001111&body=a\u0000b'),
  });
  assert.deepEqual(errors, []);
  const [newest] = await table.recent(1);
  assert.equal(newest?.carrier, 'ac\ufffdme');
  assert.ok(newest?.excerpt.includes('a\ufffdb'), newest?.excerpt);
});
