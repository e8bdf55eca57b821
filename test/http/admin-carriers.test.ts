/**
 * `GET /admin/v1/carriers` over real HTTP: each configured carrier's link, the messages handed to it
 * and failed in the last 5 and 15 minutes (older ones not counted), its last error, and the queue.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { MessageStatus } from '../../src/domain/message.js';
import { findAccountByUsername } from '../../src/store/sql/accounts.js';
import { insertMessage } from '../../src/store/sql/messages.js';
import { adminCall, adminToken } from '../helpers/admin.js';
import { textMessage } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const service = await startTestService({
  delivery: { worker: false },
  push: { enabled: false },
  carriers: [{ name: 'acme', type: 'http', method: 'POST', url: 'http://127.0.0.1:9/send' }],
});
after(() => service.close());
const token = await adminToken(service.config, 'viewer', true);
await service.admin.add({
  username: 'kim',
  password: password('kim'),
  numbers: ['+15550008001'],
  region: 'US',
});
const kim = (await findAccountByUsername(service.db.kysely, 'kim'))!.id;

async function handed(status: MessageStatus, minutesAgo: number, lastError: string | null = null) {
  const at = Date.now() - minutesAgo * 60_000;
  const id = await insertMessage(
    service.db.kysely,
    textMessage({ senderAccountId: kim, from: '+15550008001', to: '+15559998001', body: 'x', status }),
    at,
  );
  await service.db.kysely
    .updateTable('messages')
    .set({ carrier: 'acme', last_error: lastError, updated_at: at })
    .where('id', '=', id)
    .execute();
}

test("a carrier's recent submits, failures and last error are counted over 5 and 15 minutes", async () => {
  await handed('failed', 30, 'too old to count');
  await handed('failed', 10, 'older error');
  await handed('sent', 2);
  await handed('failed', 1, 'newest error');
  await handed('delivered', 0);
  const r = await adminCall(service.url, token, 'GET', '/carriers');
  assert.equal(r.status, 200, r.text);
  const acme = r.body.carriers.find((c: { name: string }) => c.name === 'acme');
  assert.deepEqual(
    { ...acme, lastErrorAt: typeof acme.lastErrorAt },
    {
      name: 'acme',
      link: 'none',
      window: null,
      submits: { last5m: 3, last15m: 4 },
      failures: { last5m: 1, last15m: 2 },
      lastError: 'newest error',
      lastErrorAt: 'string',
    },
  );
});

test('the queue shows how many deliver jobs are due and since when', async () => {
  const before = (await adminCall(service.url, token, 'GET', '/carriers')).body.queue.due;
  const at = Date.now() - 60_000;
  await service.db.kysely
    .insertInto('jobs')
    .values({ kind: 'deliver', ref_id: 1, run_at: at, attempts: 0, created_at: at })
    .execute();
  const { queue } = (await adminCall(service.url, token, 'GET', '/carriers')).body;
  assert.equal(queue.due, before + 1);
  assert.ok(Date.parse(queue.oldestDueAt) <= at);
});
