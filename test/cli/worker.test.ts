/**
 * `textbridge worker` and `textbridge messages retry`, each run as a child process against a real store
 * (SQLite, or PostgreSQL in the second run) and a loopback fake HTTP carrier in the test process.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { openStore } from '../../src/main/index.js';
import type { Db } from '../../src/store/engine/db.js';
import { insertAccount, insertNumbers } from '../../src/store/sql/accounts.js';
import { insertJobs, insertMessage } from '../../src/store/sql/messages.js';
import { type Child, startChild, writeConfigFile } from '../helpers/child.js';
import { textMessage } from '../helpers/db.js';
import { type FakeHttpCarrier, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl } from '../helpers/pg.js';

let carrier: FakeHttpCarrier;
let db: Db;
let worker: Child;
let args: string[];
let env: Record<string, string>;
let account: number;

before(async () => {
  carrier = await startFakeHttpCarrier();
  const dataDir = tempDir('tb-cli-');
  const databaseUrl = await freshDatabaseUrl();
  const configFile = writeConfigFile(dataDir, {
    carriers: [
      {
        name: 'main',
        type: 'http',
        method: 'POST',
        url: `${carrier.url}/send`,
        body: '{"to":"%to%","text":"%body%"}',
        messageId: 'id',
      },
    ],
    routes: [{ carrier: 'main' }],
    delivery: { pollMs: 50 },
  });
  args = ['--config', configFile];
  env = { TEXTBRIDGE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  db = await openStore(buildConfig({ dataDir, databaseUrl }));
  account = await insertAccount(db.kysely, {
    username: 'alice',
    passwordHash: 'x',
    region: 'US',
    creditMicros: null,
    now: Date.now(),
  });
  await insertNumbers(db.kysely, account, ['+15550001111']);
  worker = await startChild(['worker', ...args], env);
});

after(async () => {
  worker.proc.kill('SIGTERM');
  await worker.exited;
  await db.close();
  await carrier.close();
});

async function queue(status: 'queued' | 'failed', n: number): Promise<number[]> {
  const ids: number[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const id = await insertMessage(
      db.kysely,
      textMessage({
        senderAccountId: account,
        from: '+15550001111',
        to: `+1555765${String(i).padStart(4, '0')}`,
        toRaw: '',
        body: `cli test ${i}`,
        status,
      }),
      now,
    );
    if (status === 'queued') await insertJobs(db.kysely, ['deliver'], id, now);
    ids.push(id);
  }
  return ids;
}

async function statuses(ids: number[]): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('messages')
    .select(['id', 'status'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((r) => r.status);
}

async function until(pred: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Run a one-shot CLI command as a child; its output is in its log file. */
async function cli(cmd: string[]): Promise<{ code: unknown; out: string }> {
  const c = await startChild([...cmd, ...args], env);
  const code = await c.exited;
  return { code, out: readFileSync(c.logFile, 'utf8') };
}

test('a worker process alone drains the queue to the carrier', async () => {
  const ids = await queue('queued', 20);
  await until(async () => (await statuses(ids)).every((s) => s === 'sent'), 'all 20 sent');
  const seen = carrier.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
  for (let i = 0; i < 20; i++) assert.ok(seen.includes(`cli test ${i}`));
  // A sent message's job is deleted in its outcome's commit.
  await until(
    async () => (await db.kysely.selectFrom('jobs').select('id').execute()).length === 0,
    'every job deleted',
  );
});

test('messages retry puts a failed message back in the queue and the worker delivers it', async () => {
  const [id] = await queue('failed', 1);
  const before = carrier.count();
  const r = await cli(['messages', 'retry', String(id), '--json']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1)!), { sms_id: String(id), requeued: true });
  await until(async () => (await statuses([id!]))[0] === 'sent', 'the retried message sent');
  assert.equal(carrier.count(), before + 1);
});

test('messages retry refuses a message that has not failed, with exit code 1', async () => {
  const [id] = await queue('queued', 1);
  await until(async () => (await statuses([id!]))[0] === 'sent', 'sent');
  const r = await cli(['messages', 'retry', String(id), '--json']);
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1)!), {
    sms_id: String(id),
    requeued: false,
    reason: 'not-failed',
  });
});

test('messages retry of a message that does not exist says so, apart from one that has not failed', async () => {
  const r = await cli(['messages', 'retry', '987654']);
  assert.equal(r.code, 1);
  assert.match(r.out, /no message 987654/);
  assert.doesNotMatch(r.out, /not a failed message/);
});
