/** The refused-webhooks table keeps only the newest `keep` rows: it is trimmed on every insert. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
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
