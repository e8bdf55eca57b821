/**
 * Durable commits on SQLite (store/engine/sqlite-durable.ts): a write resolves only after an fdatasync of the
 * WAL that started after its commit, the connection is free while that fdatasync runs, at most two run
 * at once, and commits made meanwhile share the next one. The fdatasync is held by the test to watch the waiting; the file is real.
 * A second connection to the file (the CLI's, beside the server) waits for the write lock without
 * sleeping the thread, and begins its transactions with the lock in hand.
 */
import assert from 'node:assert/strict';
import { fdatasync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { type Db, openSqlite } from '../../src/store/engine/db.js';
import { tempDir } from '../helpers/files.js';

/** An fdatasync the test releases by hand, one call at a time. */
function heldSync() {
  const waiting: Array<() => void> = [];
  let calls = 0;
  const syncFd = (fd: number) =>
    new Promise<void>((resolve, reject) => {
      calls++;
      waiting.push(() => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    });
  return {
    syncFd,
    calls: () => calls,
    pending: () => waiting.length,
    releaseOne: () => waiting.shift()?.(),
  };
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

/** Wait until `cond()` holds (the fdatasync request goes through the thread pool's open first). */
async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function openHeld() {
  const held = heldSync();
  const db = openSqlite(path.join(tempDir(), 'durable.db'), held.syncFd);
  // The table's own creation waits for its fdatasync too.
  const created = sql`create table t (id integer primary key, v text)`.execute(db.kysely);
  await until(() => held.pending() === 1);
  held.releaseOne();
  await created;
  return { db, held };
}

test('a committed write resolves only after an fdatasync that started after it', async () => {
  const { db, held } = await openHeld();
  try {
    const before = held.calls();
    const write = db.kysely.transaction().execute((trx) =>
      trx
        .insertInto('t' as never)
        .values({ v: 'a' } as never)
        .execute(),
    );
    await until(() => held.calls() === before + 1);
    assert.equal(await settled(write), false, 'the transaction must wait for its fdatasync');
    // The connection is free meanwhile: a read runs and sees the committed row.
    const rows = await sql<{ n: number }>`select count(*) as n from t`.execute(db.kysely);
    assert.equal(rows.rows[0]?.n, 1);
    held.releaseOne();
    await write;
    // An autocommit write waits the same way.
    const auto = sql`insert into t (v) values ('b')`.execute(db.kysely);
    await until(() => held.pending() === 1);
    assert.equal(await settled(auto), false);
    held.releaseOne();
    await auto;
    // A read alone never waits for a sync.
    const n = held.calls();
    await sql`select * from t`.execute(db.kysely);
    assert.equal(held.calls(), n);
  } finally {
    while (held.pending() > 0) held.releaseOne();
    await db.close();
  }
});

test('two fdatasyncs run at once; commits made while two run share the next one, which starts after them', async () => {
  const { db, held } = await openHeld();
  try {
    const base = held.calls();
    const first = sql`insert into t (v) values ('1')`.execute(db.kysely);
    await until(() => held.pending() === 1);
    // A commit while one fdatasync runs does not wait for it: it gets the second one at once.
    const second = sql`insert into t (v) values ('2')`.execute(db.kysely);
    await until(() => held.pending() === 2);
    assert.equal(await settled(first), false);
    assert.equal(await settled(second), false);
    // Three more commits while both are held: they cannot ride on either (both may have started
    // before them), and they need only one more, once a slot is free.
    const more = ['3', '4', '5'].map((v) => sql`insert into t (v) values (${v})`.execute(db.kysely));
    assert.equal(await settled(Promise.all(more)), false);
    assert.equal(held.calls(), base + 2, 'never more than two in flight');
    held.releaseOne();
    await first;
    await until(() => held.calls() === base + 3);
    assert.equal(await settled(Promise.all(more)), false, 'still waiting for their own fdatasync');
    assert.equal(await settled(second), false);
    held.releaseOne();
    await second;
    assert.equal(await settled(Promise.all(more)), false);
    held.releaseOne();
    await Promise.all(more);
    assert.equal(held.calls(), base + 3);
  } finally {
    while (held.pending() > 0) held.releaseOne();
    await db.close();
  }
});

test('a failed fdatasync fails the write it was meant to make durable', async () => {
  const db = openSqlite(path.join(tempDir(), 'failing.db'), () => Promise.reject(new Error('EIO')));
  try {
    await assert.rejects(sql`create table t (id integer primary key)`.execute(db.kysely), /EIO/);
  } finally {
    await db.close();
  }
});

/** Two connections to one new file with a table `t (x integer)`, as the server's and the CLI's. */
async function twoConnections(name: string, body: (a: Db, b: Db) => Promise<void>): Promise<void> {
  const file = path.join(tempDir(), name);
  const a = openSqlite(file);
  const b = openSqlite(file);
  try {
    await sql`create table t (x integer)`.execute(a.kysely);
    await body(a, b);
  } finally {
    await b.close();
    await a.close();
  }
}

test('a second connection waits for the write lock without blocking the event loop, and its transaction starts only once it has the lock', () =>
  twoConnections('busy.db', async (a, b) => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let aIn!: () => void;
    const aHasLock = new Promise<void>((r) => {
      aIn = r;
    });
    // A holds the write lock across an await, as a CLI's longer transaction holds it beside the server.
    const first = a.kysely.transaction().execute(async (trx) => {
      await sql`insert into t (x) values (1)`.execute(trx);
      aIn();
      await held;
    });
    await aHasLock;
    let bStarted = false;
    let seen = 0;
    const autocommit = sql`insert into t (x) values (2)`.execute(b.kysely);
    const second = b.kysely.transaction().execute(async (trx) => {
      bStarted = true;
      // Under a deferred BEGIN this read would pin a snapshot older than A's commit, and the write after
      // it would fail with SQLITE_BUSY_SNAPSHOT; BEGIN IMMEDIATE waits for the lock first.
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(trx);
      seen = Number(rows[0]?.n);
      await sql`insert into t (x) values (${seen + 10})`.execute(trx);
    });
    // The loop turns while both wait: timers fire, nothing sleeps the thread.
    let ticks = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 50) {
      await new Promise((r) => setTimeout(r, 1));
      ticks++;
    }
    assert.ok(ticks >= 10, `the event loop turned only ${ticks} times in 50 ms while waiting for the lock`);
    assert.equal(bStarted, false, 'the second transaction began while the first held the lock');
    release();
    await Promise.all([first, autocommit, second]);
    const { rows } = await sql<{ x: number }>`select x from t order by rowid`.execute(a.kysely);
    const xs = rows.map((r) => Number(r.x)).sort((p, q) => p - q);
    // A's row first; the second transaction saw A's row (and the autocommit's, if it went first).
    assert.ok(seen === 1 || seen === 2, `the second transaction saw ${seen} rows`);
    assert.deepEqual(xs, [1, 2, 10 + seen]);
  }));

test('a read-only transaction (store copy) begins deferred: another connection writes while it reads its snapshot', () =>
  twoConnections('snapshot.db', async (a, b) => {
    await sql`insert into t (x) values (1)`.execute(a.kysely);
    let wrote = false;
    const counts = await a.kysely
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        const count = async () =>
          Number((await sql<{ n: number }>`select count(*) as n from t`.execute(trx)).rows[0]?.n);
        const before = await count();
        // B's write lands while A's transaction is open: a BEGIN IMMEDIATE here would hold it off.
        await sql`insert into t (x) values (2)`.execute(b.kysely);
        wrote = true;
        return [before, await count()];
      });
    assert.equal(wrote, true);
    assert.deepEqual(counts, [1, 1], 'the read-only transaction keeps its snapshot');
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(a.kysely);
    assert.equal(Number(rows[0]?.n), 2);
  }));
