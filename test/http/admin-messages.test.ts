/**
 * The admin API's messages over real HTTP and a real store: search by account, number, status,
 * direction and time, paged by cursor; the same search exported as JSON lines; one message; a retry.
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

const service = await startTestService({ delivery: { worker: false } });
after(() => service.close());
const token = await adminToken(service.config, 'ops');
const call = (method: string, path: string) => adminCall(service.url, token, method, path);

await service.admin.add({
  username: 'mia',
  password: password('mia'),
  numbers: ['+15550001001'],
  region: 'US',
});
await service.admin.add({
  username: 'noa',
  password: password('noa'),
  numbers: ['+15550001002'],
  region: 'US',
});
const mia = (await findAccountByUsername(service.db.kysely, 'mia'))!.id;
const noa = (await findAccountByUsername(service.db.kysely, 'noa'))!.id;
const T0 = Date.parse('2026-11-30T10:00:00Z');
/** Stored messages, oldest first: [id, what it is]. */
const ids: Record<string, number> = {};
const put = async (
  name: string,
  m: Parameters<typeof textMessage>[0] & { status?: MessageStatus },
  at: number,
) => {
  ids[name] = await insertMessage(service.db.kysely, textMessage(m), at);
};
await put(
  'out-failed',
  { senderAccountId: mia, from: '+15550001001', to: '+15559990001', body: 'a', status: 'failed' },
  T0,
);
await put(
  'out-sent',
  { senderAccountId: mia, from: '+15550001001', to: '+15559990002', body: 'b', status: 'sent' },
  T0 + 60_000,
);
await put(
  'in',
  {
    senderAccountId: null,
    recipientAccountId: mia,
    from: '+15559990001',
    to: '+15550001001',
    body: 'c',
    status: 'received',
  },
  T0 + 120_000,
);
await put(
  'on-net',
  {
    senderAccountId: mia,
    recipientAccountId: noa,
    from: '+15550001001',
    to: '+15550001002',
    body: 'd',
    status: 'received',
  },
  T0 + 180_000,
);
await put(
  'other',
  { senderAccountId: noa, from: '+15550001002', to: '+15559990003', body: 'e', status: 'queued' },
  T0 + 240_000,
);

const found = async (query: string) => {
  const r = await call('GET', `/messages?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body.messages.map((m: { sms_id: string }) => Number(m.sms_id));
};

test('a search finds by account, status, direction, number and time, newest first', async () => {
  assert.deepEqual(await found('account=mia'), [
    ids['on-net'],
    ids['in'],
    ids['out-sent'],
    ids['out-failed'],
  ]);
  assert.deepEqual(await found('status=failed'), [ids['out-failed']]);
  assert.deepEqual(await found('direction=inbound'), [ids['in']]);
  assert.deepEqual(await found('direction=on-net'), [ids['on-net']]);
  assert.deepEqual(await found('account=mia&direction=outbound'), [ids['out-sent'], ids['out-failed']]);
  assert.deepEqual(await found(`number=${encodeURIComponent('+1 555 999 0001')}`), [
    ids['in'],
    ids['out-failed'],
  ]);
  const since = new Date(T0 + 60_000).toISOString();
  const until = new Date(T0 + 180_000).toISOString();
  assert.deepEqual(await found(`since=${since}&until=${until}`), [ids['in'], ids['out-sent']]);
  assert.equal((await call('GET', '/messages?since=yesterday')).status, 400);
  assert.equal((await call('GET', '/messages?account=nobody')).status, 404);
});

test('pages follow the cursor to the end, each message once', async () => {
  const seen: number[] = [];
  let before: string | undefined;
  for (let i = 0; i < 5; i++) {
    const r = await call('GET', `/messages?limit=2${before ? `&before=${before}` : ''}`);
    seen.push(...r.body.messages.map((m: { sms_id: string }) => Number(m.sms_id)));
    before = r.body.next;
    if (!before) break;
  }
  assert.deepEqual(seen, Object.values(ids).reverse());
});

test('the export streams the same messages as JSON lines', async () => {
  const res = await fetch(`${service.url}/admin/v1/messages/export?account=mia`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
  const lines = (await res.text())
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((m) => Number(m.sms_id)),
    await found('account=mia'),
  );
  assert.equal(lines.at(-1).direction, 'outbound');
  assert.equal((await call('GET', '/messages/export?account=nobody')).status, 404);
});

test('one message is shown; a failed one is retried once, then it is no longer failed', async () => {
  const one = await call('GET', `/messages/${ids['in']}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.direction, 'inbound');
  assert.equal(one.body.created_at, new Date(T0 + 120_000).toISOString());
  assert.equal((await call('GET', '/messages/999999')).status, 404);
  const retried = await call('POST', `/messages/${ids['out-failed']}/retry`);
  assert.equal(retried.status, 200, retried.text);
  assert.deepEqual(retried.body, { sms_id: String(ids['out-failed']), requeued: true });
  const afterRetry = await call('GET', `/messages/${ids['out-failed']}`);
  assert.equal(afterRetry.body.status, 'queued');
  // The operator's retry is on the message's timeline (docs/timeline.md).
  const kinds = (afterRetry.body.timeline as Array<{ kind: string; at: string }>).map((e) => e.kind);
  assert.ok(kinds.includes('retry'), kinds.join(','));
  const again = await call('POST', `/messages/${ids['out-failed']}/retry`);
  assert.equal(again.status, 409);
  assert.match(again.body.message, /not failed/);
  assert.equal((await call('POST', '/messages/999999/retry')).status, 404);
});
