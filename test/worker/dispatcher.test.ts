import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Job, JobHandler } from '../../src/app/ports.js';
import { systemClock } from '../../src/app/ports.js';
import { makeJobQueue } from '../../src/store/adapters/job-queue.js';
import { openDb } from '../../src/store/engine/db.js';
import { insertJobs } from '../../src/store/sql/messages.js';
import { claimDue } from '../../src/store/sql/outbox.js';
import { startDispatcher } from '../../src/worker/dispatcher.js';
import { freshDb } from '../helpers/db.js';

const dbs: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const db of dbs) await db.close();
});

async function store() {
  const db = await freshDb();
  dbs.push(db);
  return db;
}

async function queueJobs(db: Awaited<ReturnType<typeof store>>, n: number, runAt = Date.now()) {
  for (let i = 1; i <= n; i++) await insertJobs(db.kysely, ['deliver'], i, runAt);
}

const remaining = async (db: Awaited<ReturnType<typeof store>>) =>
  (await db.kysely.selectFrom('jobs').selectAll().execute()).length;

async function until(pred: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('claims only due rows and skips leased ones', async () => {
  const db = await store();
  const now = Date.now();
  await insertJobs(db.kysely, ['deliver'], 1, now - 10);
  await insertJobs(db.kysely, ['deliver'], 2, now + 60_000); // not due yet
  await insertJobs(db.kysely, ['push'], 3, now - 10); // another kind
  const spec = { kinds: ['deliver'] as const, limit: 10, leaseMs: 30_000, now, owner: 'a' };
  const first = await claimDue(db.kysely, db.dialect, spec);
  assert.deepEqual(
    first.map((j) => [j.refId, j.attempts]),
    [[1, 0]],
  );
  const second = await claimDue(db.kysely, db.dialect, { ...spec, owner: 'b' });
  assert.equal(second.length, 0, 'a leased job is not claimed again');
  // Once the lease has run out (a crashed worker), the job is due again and its attempts count the claim.
  const later = await claimDue(db.kysely, db.dialect, { ...spec, owner: 'b', now: now + 30_001 });
  assert.deepEqual(
    later.map((j) => [j.refId, j.attempts]),
    [[1, 1]],
  );
});

test('a backlog of one kind of job does not keep the other kind waiting: claims take turns', async () => {
  const db = await store();
  const now = Date.now();
  for (let i = 1; i <= 30; i++) await insertJobs(db.kysely, ['deliver'], i, now - 1_000 + i);
  await insertJobs(db.kysely, ['push'], 100, now);
  const queue = makeJobQueue(db, { now: () => now });
  const kinds = ['deliver', 'push'] as const;
  const first = await queue.claim(kinds, 5, 'a', 30_000);
  const second = await queue.claim(kinds, 5, 'a', 30_000);
  const claimed = [...first, ...second];
  assert.equal(claimed.length, 10);
  assert.ok(
    claimed.some((j) => j.kind === 'push'),
    'the push job, due after 30 deliver jobs, is claimed within two claims',
  );
  // Oldest first within a kind (PostgreSQL returns a claim's rows in no particular order).
  const delivers = claimed
    .filter((j) => j.kind === 'deliver')
    .map((j) => j.refId)
    .sort((a, b) => a - b);
  assert.deepEqual(
    delivers,
    delivers.map((_, i) => i + 1),
  );
});

test('two dispatchers on one store never run one job twice', async () => {
  const db = await store();
  await queueJobs(db, 300);
  const seen = new Map<number, number>();
  const handler: JobHandler = async (job: Job) => {
    seen.set(job.refId, (seen.get(job.refId) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    return { done: true };
  };
  const stop = new AbortController();
  const common = { handlers: { deliver: handler }, concurrency: 16, pollMs: 5, leaseMs: 30_000 };
  // The second dispatcher has its own connection, as a second worker process would.
  const other = openDb({ dataDir: db.dataDir, databaseUrl: db.url });
  dbs.push(other);
  const a = startDispatcher({ ...common, owner: 'a', queue: makeJobQueue(db, systemClock) }, stop.signal);
  const b = startDispatcher({ ...common, owner: 'b', queue: makeJobQueue(other, systemClock) }, stop.signal);
  await until(async () => (await remaining(db)) === 0);
  stop.abort();
  await Promise.all([a.done, b.done]);
  assert.equal(seen.size, 300);
  assert.deepEqual([...new Set(seen.values())], [1], 'every job ran exactly once');
  assert.ok(a.stats.done > 0 && b.stats.done > 0, 'both dispatchers took a share');
});

test('a retry outcome puts the job back until its run time, then it runs again', async () => {
  const db = await store();
  await queueJobs(db, 1);
  const attempts: number[] = [];
  const handler: JobHandler = async (job) => {
    attempts.push(job.attempts);
    return job.attempts === 0
      ? { done: false, retryAt: Date.now() + 50, error: 'carrier down' }
      : { done: true };
  };
  const stop = new AbortController();
  const d = startDispatcher(
    {
      queue: makeJobQueue(db, systemClock),
      handlers: { deliver: handler },
      owner: 'a',
      concurrency: 4,
      pollMs: 10,
      leaseMs: 30_000,
    },
    stop.signal,
  );
  await until(async () => (await remaining(db)) === 0);
  stop.abort();
  await d.done;
  assert.deepEqual(attempts, [0, 1]);
  assert.deepEqual(d.stats, { done: 1, retry: 1, failed: 0 });
});

test('stopping lets running jobs finish and writes their outcomes before done resolves', async () => {
  const db = await store();
  await queueJobs(db, 5);
  let started = 0;
  const handler: JobHandler = async () => {
    started++;
    await new Promise((r) => setTimeout(r, 100));
    return { done: true };
  };
  const stop = new AbortController();
  const d = startDispatcher(
    {
      queue: makeJobQueue(db, systemClock),
      handlers: { deliver: handler },
      owner: 'a',
      concurrency: 5,
      pollMs: 10,
      leaseMs: 30_000,
    },
    stop.signal,
  );
  await until(() => started === 5);
  stop.abort();
  await d.done;
  assert.equal(await remaining(db), 0);
});

test('a handler that is still running when the grace ends is aborted and its job released', async () => {
  const db = await store();
  await queueJobs(db, 1);
  let started = false;
  const handler: JobHandler = (_job, signal) =>
    new Promise((resolve) => {
      started = true;
      signal.addEventListener('abort', () => resolve({ done: false, retryAt: Date.now(), error: 'aborted' }));
    });
  const stop = new AbortController();
  const d = startDispatcher(
    {
      queue: makeJobQueue(db, systemClock),
      handlers: { deliver: handler },
      owner: 'a',
      concurrency: 1,
      pollMs: 10,
      leaseMs: 30_000,
      stopGraceMs: 50,
    },
    stop.signal,
  );
  await until(() => started);
  stop.abort();
  await d.done;
  const rows = await db.kysely.selectFrom('jobs').select(['locked_by', 'locked_until']).execute();
  assert.deepEqual(rows, [{ locked_by: null, locked_until: null }], 'the job is free for the next worker');
});
