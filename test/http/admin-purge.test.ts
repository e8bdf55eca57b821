/**
 * Deleting an account with a purge, over the admin API (`DELETE …?purge=true`) and the CLI
 * (`account remove --purge`), on the same store (SQLite, or PostgreSQL in the second run): both delete
 * the account's own messages with their timeline events, carrier ids, outbox jobs and event webhooks,
 * and its push tokens; a message it shares with another account stays for that account; nobody
 * else's rows move. A plain delete keeps the messages.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/main/index.js';
import { messageRow } from '../../src/store/sql/message-columns.js';
import { adminCall, adminToken } from '../helpers/admin.js';
import { runTextbridge } from '../helpers/child.js';
import { textMessage } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const service = await startTestService();
const db = await openStore(service.config);
after(async () => {
  await db.close();
  await service.close();
});
const token = await adminToken(service.config, 'ops');
const call = (method: string, path: string) => adminCall(service.url, token, method, path);
const k = db.kysely;

async function accountId(username: string): Promise<number> {
  const row = await k.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst();
  return Number(row!.id);
}

/** A message with a timeline event, a carrier id, a deliver job, and an event webhook with its job. */
async function message(sender: number | null, recipient: number | null, n: string): Promise<number> {
  const now = Date.now();
  // Jobs due tomorrow: the service's worker leaves them (and the timelines) alone meanwhile.
  const later = now + 86_400_000;
  const row = messageRow(
    textMessage({
      senderAccountId: sender,
      recipientAccountId: recipient,
      from: '+15550000001',
      to: n,
      body: 'hi',
    }),
    now,
  );
  const id = Number(
    (await k.insertInto('messages').values(row).returning('id').executeTakeFirstOrThrow()).id,
  );
  await k
    .insertInto('message_events')
    .values({ message_id: id, at: now, kind: 'accepted', details: '{}', once: null })
    .execute();
  await k
    .insertInto('carrier_refs')
    .values({ carrier: 'c', ref: `r${id}`, message_id: id, part: 1, status: null })
    .execute();
  await k
    .insertInto('jobs')
    .values({ kind: 'deliver', ref_id: id, run_at: later, attempts: 0, created_at: now })
    .execute();
  const hook = await k
    .insertInto('webhook_events')
    .values({
      uid: null,
      endpoint: null,
      event: 'message.status',
      message_id: id,
      account_id: sender ?? recipient,
      payload: '{}',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await k
    .insertInto('jobs')
    .values({ kind: 'webhook', ref_id: Number(hook.id), run_at: later, attempts: 0, created_at: now })
    .execute();
  return id;
}

/**
 * An account `username` with a push token, a low-credit webhook, a message to a carrier, one from a
 * carrier, one to itself, and one to `other` (shared); its message ids by kind.
 */
async function seed(username: string, other: number) {
  const made = await adminCall(service.url, token, 'POST', '/accounts', {
    username,
    password: password(username),
  });
  assert.equal(made.status, 201, made.text);
  const id = await accountId(username);
  const now = Date.now();
  await k
    .insertInto('push_tokens')
    .values({
      account_id: id,
      selector: 's',
      installid: null,
      token: 't',
      appid: 'a',
      token_calls: null,
      appid_calls: null,
      token_other: null,
      appid_other: null,
      updated_at: now,
    })
    .execute();
  const lowCredit = await k
    .insertInto('webhook_events')
    .values({
      uid: null,
      endpoint: null,
      event: 'account.low_credit',
      message_id: null,
      account_id: id,
      payload: '{}',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await k
    .insertInto('jobs')
    .values({
      kind: 'webhook',
      ref_id: Number(lowCredit.id),
      run_at: now + 86_400_000,
      attempts: 0,
      created_at: now,
    })
    .execute();
  const own = [
    await message(id, null, '+15550000002'),
    await message(null, id, '+15550000003'),
    await message(id, id, '201'),
  ];
  const shared = await message(id, other, '202');
  return { id, own, shared };
}

/** Rows per table, and the rows that refer to `messages` or to `accountId`. */
async function count(messages: number[], accountId: number) {
  const n = async (from: string, where = '1 = 1') =>
    Number(
      (
        await sql<{
          n: number | string;
        }>`select count(*) as n from ${sql.raw(from)} where ${sql.raw(where)}`.execute(k)
      ).rows[0]!.n,
    );
  const ids = messages.length === 0 ? '0' : messages.join(', ');
  return {
    all: {
      messages: await n('messages'),
      events: await n('message_events'),
      refs: await n('carrier_refs'),
      jobs: await n('jobs'),
      webhooks: await n('webhook_events'),
      pushTokens: await n('push_tokens'),
    },
    own: {
      messages: await n('messages', `id in (${ids})`),
      events: await n('message_events', `message_id in (${ids})`),
      refs: await n('carrier_refs', `message_id in (${ids})`),
      webhooks: await n('webhook_events', `message_id in (${ids})`),
      jobs: await n('jobs', `kind in ('deliver', 'push') and ref_id in (${ids})`),
      pushTokens: await n('push_tokens', `account_id = ${accountId}`),
    },
  };
}

const finn = await (async () => {
  await adminCall(service.url, token, 'POST', '/accounts', { username: 'finn', password: password('finn') });
  const id = await accountId('finn');
  await message(id, null, '+15550000009');
  return id;
})();

async function purgedAlike(username: string, purge: () => Promise<Record<string, unknown>>) {
  const { id, own, shared } = await seed(username, finn);
  const before = await count(own, id);
  assert.deepEqual(before.own, { messages: 3, events: 3, refs: 3, webhooks: 3, jobs: 3, pushTokens: 1 });
  assert.deepEqual(await purge(), { username, removed: true, mediaDeleted: 0, messagesDeleted: 3 });
  const afterwards = await count(own, id);
  assert.deepEqual(afterwards.own, { messages: 0, events: 0, refs: 0, webhooks: 0, jobs: 0, pushTokens: 0 });
  // Exactly its own rows went: 3 messages, their 3 events, 3 carrier ids, 3 deliver and 3 + 1 webhook
  // jobs, 3 + 1 event webhooks, 1 push token.
  assert.deepEqual(afterwards.all, {
    messages: before.all.messages - 3,
    events: before.all.events - 3,
    refs: before.all.refs - 3,
    jobs: before.all.jobs - 7,
    webhooks: before.all.webhooks - 4,
    pushTokens: before.all.pushTokens - 1,
  });
  const kept = await k
    .selectFrom('messages')
    .select(['sender_account_id', 'recipient_account_id'])
    .where('id', '=', shared)
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    { sender: kept.sender_account_id, recipient: Number(kept.recipient_account_id) },
    { sender: null, recipient: finn },
  );
  assert.equal(
    await k.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst(),
    undefined,
  );
}

test("DELETE with purge=true deletes the account's own messages with their events, carrier ids, jobs and webhooks, and its push tokens", async () => {
  await purgedAlike('erin', async () => {
    const gone = await call('DELETE', '/accounts/erin?purge=true');
    assert.equal(gone.status, 200, gone.text);
    return gone.body;
  });
});

test('account remove --purge deletes exactly what the admin API deletes', async () => {
  await purgedAlike('gail', async () => {
    const env = { DATABASE_URL: service.config.databaseUrl ?? '' };
    const r = await runTextbridge(
      env,
      'account',
      'remove',
      'gail',
      '--purge',
      '--json',
      '--data-dir',
      service.config.dataDir,
    );
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  });
});

test('a delete without purge keeps the messages, without the link to the account', async () => {
  const { own } = await seed('hank', finn);
  const gone = await call('DELETE', '/accounts/hank');
  assert.deepEqual(gone.body, { username: 'hank', removed: true });
  assert.equal((await count(own, 0)).own.messages, 3);
});
