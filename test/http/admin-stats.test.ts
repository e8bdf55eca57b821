/**
 * `GET /admin/v1/stats/messages` over real HTTP: messages per minute by direction and status within
 * the range asked (the edges: from inclusive, to exclusive), and a range over 7 days refused.
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

const service = await startTestService({ delivery: { worker: false }, push: { enabled: false } });
after(() => service.close());
const token = await adminToken(service.config, 'charts', true);
await service.admin.add({
  username: 'lea',
  password: password('lea'),
  numbers: ['+15550009001'],
  region: 'US',
});
const lea = (await findAccountByUsername(service.db.kysely, 'lea'))!.id;
const M = Date.parse('2026-11-30T12:00:00Z');

const put = (at: number, status: MessageStatus, inbound = false) =>
  insertMessage(
    service.db.kysely,
    textMessage(
      inbound
        ? {
            senderAccountId: null,
            recipientAccountId: lea,
            from: '+15559990009',
            to: '+15550009001',
            body: 'i',
            status,
          }
        : { senderAccountId: lea, from: '+15550009001', to: '+15559990009', body: 'o', status },
    ),
    at,
  );

test('messages are counted per minute by direction and status, within the range only', async () => {
  await put(M - 1, 'sent'); // the minute before: outside
  await put(M, 'sent');
  await put(M + 30_000, 'sent');
  await put(M + 59_999, 'failed');
  await put(M + 60_000, 'received', true);
  await put(M + 120_000, 'sent'); // at `until`: outside
  const q = `since=${new Date(M).toISOString()}&until=${new Date(M + 120_000).toISOString()}`;
  const r = await adminCall(service.url, token, 'GET', `/stats/messages?${q}`);
  assert.equal(r.status, 200, r.text);
  const key = (x: { minute: string; direction: string; status: string; count: number }) =>
    `${x.minute} ${x.direction} ${x.status} ${x.count}`;
  assert.deepEqual(r.body.minutes.map(key).sort(), [
    '2026-11-30T12:00:00.000Z outbound failed 1',
    '2026-11-30T12:00:00.000Z outbound sent 2',
    '2026-11-30T12:01:00.000Z inbound received 1',
  ]);
});

test('a range over 7 days, or one that ends before it starts, is refused with 400', async () => {
  const long = `since=2026-11-01T00:00:00Z&until=2026-11-09T00:00:00Z`;
  const r = await adminCall(service.url, token, 'GET', `/stats/messages?${long}`);
  assert.equal(r.status, 400);
  assert.match(r.body.message, /7 days/);
  const back = `since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z`;
  assert.equal((await adminCall(service.url, token, 'GET', `/stats/messages?${back}`)).status, 400);
});
