/**
 * The scale test: three textbridge processes (two `serve`, one `worker`) on one PostgreSQL database
 * deliver 10,000 queued messages to one fake HTTP carrier; one `serve` is SIGKILLed when about half are
 * delivered. Every message must still be delivered (status `sent`, seen by the carrier), and the carrier
 * may see a message twice only when its job was one the killed process was running (at most its
 * `delivery.concurrency`). Leases are short here so the dead process's jobs are taken over quickly.
 *
 * The kill is made deterministic: the instance is first stopped (SIGSTOP) and killed only if, frozen,
 * it holds jobs; otherwise it is let go on (SIGCONT) and stopped again a moment later. The carrier's
 * timeout is long, so that a machine too loaded to read an answer within a second cannot time a request
 * out and send it again: such a duplicate would be right (a send whose answer never came is retried)
 * but would not be the kill's.
 *
 * Runs in the PostgreSQL pass of scripts/test.sh only: on the embedded store several processes share
 * one SQLite writer, which is not the deployment this test is about.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeAccountAdmin } from '../../src/app/accounts.js';
import { systemClock } from '../../src/app/ports.js';
import { buildConfig } from '../../src/config/index.js';
import { openStore } from '../../src/main/index.js';
import { makeAdminStore } from '../../src/store/adapters/admin.js';
import type { Db } from '../../src/store/engine/db.js';
import { type Child, startChild, writeConfigFile } from '../helpers/child.js';
import { queueMessages } from '../helpers/db.js';
import { reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl, TEST_PG_URL } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';

const MESSAGES = 10_000;
/** Jobs each process runs at once: the bound on what a SIGKILL can make the carrier see twice. */
const CONCURRENCY = 16;
const SENDER = '+12025550199';

const skip = TEST_PG_URL
  ? false
  : 'needs PostgreSQL: set TEXTBRIDGE_TEST_DATABASE_URL, or install PostgreSQL and run scripts/test.sh';

const countSent = async (db: Db): Promise<number> =>
  Number(
    (
      await db.kysely
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow()
    ).n,
  );

const until = async (what: string, ok: () => Promise<boolean> | boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

test('three instances deliver 10,000 messages once each, apart from the jobs a killed instance was running', {
  skip,
  timeout: 110_000,
}, async () => {
  // The carrier answers 200 with an id after a small delay, like a real HTTP API on a good day.
  const fake = await startFakeHttpCarrier({ behaviour: (_r, n) => reply.slow(5, reply.ok(`c-${n}`)) });
  const dataDir = tempDir('tb-scale-');
  const databaseUrl = await freshDatabaseUrl();
  const configFile = writeConfigFile(dataDir, {
    carriers: [
      {
        name: 'fake',
        type: 'http',
        method: 'POST',
        url: `${fake.url}/send`,
        body: '{"sms_id":"%sms_id%","to":"%to%","text":"%body%"}',
        messageId: 'id',
        timeoutMs: 30_000,
      },
    ],
    routes: [{ carrier: 'fake' }],
    // Short leases: the killed instance's jobs are due again after 3 s, not the default minute.
    delivery: { concurrency: CONCURRENCY, leaseMs: 3000, pollMs: 50, waitMs: 0 },
  });
  const env = {
    TEXTBRIDGE_CONFIG: configFile,
    TEXTBRIDGE_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
  };

  const db = await openStore(buildConfig({ dataDir, databaseUrl }));
  const children: Child[] = [];
  try {
    const admin = makeAccountAdmin(makeAdminStore(db), systemClock);
    await admin.add({ username: 'bulk', password: password('bulk'), numbers: [SENDER], region: 'US' });
    const sender = await db.kysely
      .selectFrom('accounts')
      .select('id')
      .where('username', '=', 'bulk')
      .executeTakeFirstOrThrow();
    await queueMessages(db, MESSAGES, (i) => ({
      senderAccountId: Number(sender.id),
      from: SENDER,
      to: `+1303555${String(i).padStart(4, '0')}`,
      body: `scale ${i}`,
    }));

    children.push(
      ...(await Promise.all([
        startChild(['serve'], env),
        startChild(['serve'], env),
        startChild(['worker'], env),
      ])),
    );
    const victim = children[1]!;
    // Its leases name it (`host:pid:…`): the jobs it holds are the ones another process must take over.
    // Only those whose message is still queued are in flight (a sent message's job is deleted with
    // its outcome; one left by an older version, taken over, sends nothing).
    const heldIds = async (): Promise<Set<number>> => {
      const rows = await db.kysely
        .selectFrom('jobs')
        .innerJoin('messages', 'messages.id', 'jobs.ref_id')
        .select('jobs.ref_id')
        .where('jobs.kind', '=', 'deliver')
        .where('jobs.locked_by', 'like', `%:${victim.proc.pid}:%`)
        .where('messages.status', 'in', ['queued', 'sending'])
        .execute();
      return new Set(rows.map((r) => Number(r.ref_id)));
    };
    await until('half of the messages at the carrier', () => fake.count() >= MESSAGES / 2, 60_000);
    // Killed while it holds jobs: between two claims it may hold none, and then nothing would be taken
    // over. Frozen, it cannot finish them between the look and the kill; a commit it had already sent
    // lands within the pause.
    await until(
      'the instance to kill holding jobs',
      async () => {
        victim.proc.kill('SIGSTOP');
        await new Promise((r) => setTimeout(r, 200));
        if ((await heldIds()).size > 0) return true;
        victim.proc.kill('SIGCONT');
        return false;
      },
      60_000,
    );
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const atKill = fake.count();
    const held = await heldIds();
    assert.ok(held.size > 0, 'the killed instance held no jobs: nothing was taken over');

    await until('every message sent', async () => (await countSent(db)) === MESSAGES, 60_000);
    const seen = new Map<string, number>();
    for (const r of fake.requests) {
      const id = String((JSON.parse(r.body) as { sms_id: string }).sms_id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => Number(id));
    const duplicates = fake.requests.length - seen.size;
    console.log(
      `carrier requests ${fake.requests.length} (at the kill ${atKill}), jobs held by the killed instance ${held.size}, distinct messages ${seen.size}, duplicates ${duplicates}`,
    );
    assert.equal(seen.size, MESSAGES, 'the carrier must have every message');
    assert.ok(held.size <= CONCURRENCY, `the killed instance held ${held.size} jobs`);
    // A duplicate is a job the dead process had sent but not yet recorded: it still held its lease,
    // and it was sent twice at most (once by the dead process, once by the one that took it over).
    assert.deepEqual(
      twice.filter((id) => !held.has(id) || seen.get(String(id)) !== 2),
      [],
      `messages the carrier saw more than once that were not a job the killed instance held: ${twice.length} seen more than once, ${held.size} held`,
    );
    const left = await db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(left.n), 0, 'no deliver job may be left behind');
  } finally {
    for (const c of children) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) {
        c.proc.kill('SIGCONT'); // a victim left frozen by a failed look must be able to hear the TERM
        c.proc.kill('SIGTERM');
      }
    }
    await Promise.all(children.map((c) => c.exited));
    await db.close();
    await fake.close();
  }
});
