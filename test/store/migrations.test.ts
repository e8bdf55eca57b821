/** Migrations on both engines; on PostgreSQL, several instances starting at once; one migration's effect. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDb } from '../../src/store/engine/db.js';
import { migrate } from '../../src/store/migrations/index.js';
import { tempDir } from '../helpers/files.js';
import { freshDatabaseUrl, TEST_PG_URL } from '../helpers/pg.js';

test('migrating an up-to-date store again changes nothing', async () => {
  const db = openDb({ dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() });
  try {
    await migrate(db);
    await migrate(db);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      db.kysely,
    );
    assert.ok(rows.length >= 2);
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
  } finally {
    await db.close();
  }
});

test('four instances migrating one PostgreSQL database at once apply each migration exactly once', {
  skip: TEST_PG_URL ? false : 'needs PostgreSQL: the advisory lock is a PostgreSQL feature',
}, async () => {
  const url = await freshDatabaseUrl();
  const dbs = Array.from({ length: 4 }, () => openDb({ dataDir: tempDir(), databaseUrl: url }));
  try {
    await Promise.all(dbs.map((db) => migrate(db)));
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(dbs[0]!.kysely);
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
    assert.ok(rows.some((r) => r.name === '0004_scale'));
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
});

test('0019 adds request_id and refunded_micros to messages; the messages already stored get null and 0', async () => {
  const db = openDb({ dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() });
  try {
    await migrate(db, '0018_inbound_media');
    const columns = async () =>
      (await db.kysely.introspection.getTables())
        .find((t) => t.name === 'messages')!
        .columns.map((c) => c.name);
    assert.ok(!(await columns()).includes('request_id'));
    const now = Date.now();
    await sql`insert into messages (from_addr, to_addr, to_raw, body, content_type, status, segments,
      charge_micros, created_at, updated_at)
      values ('+15550001000', '+442071838750', '+442071838750', 'hi', 'text/plain', 'failed', 1, 0, ${now}, ${now})`.execute(
      db.kysely,
    );
    await migrate(db);
    assert.ok((await columns()).includes('request_id'));
    assert.ok((await columns()).includes('refunded_micros'));
    const row = await db.kysely
      .selectFrom('messages')
      .select(['request_id', 'refunded_micros'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...row, refunded_micros: Number(row.refunded_micros) },
      { request_id: null, refunded_micros: 0 },
    );
  } finally {
    await db.close();
  }
});

test('0020 keeps every carrier_refs row; on SQLite the table is then WITHOUT ROWID', async () => {
  const db = openDb({ dataDir: tempDir(), databaseUrl: await freshDatabaseUrl() });
  try {
    await migrate(db, '0019_accept_columns');
    await sql`insert into carrier_refs (carrier, ref, sent_at, message_id, part, status)
      values ('smsc', 'r-1', 5, 11, 1, null), ('smsc', 'r-1', 9, 12, 1, 'delivered')`.execute(db.kysely);
    await migrate(db);
    const { rows } = await sql<{ message_id: number; status: string | null }>`select message_id, status
      from carrier_refs where carrier = 'smsc' and ref = 'r-1' order by sent_at desc`.execute(db.kysely);
    assert.deepEqual(
      rows.map((r) => [Number(r.message_id), r.status]),
      [
        [12, 'delivered'],
        [11, null],
      ],
    );
    if (db.dialect === 'sqlite') {
      const t = await sql<{ sql: string }>`select sql from sqlite_master where name = 'carrier_refs'`.execute(
        db.kysely,
      );
      assert.match(t.rows[0]!.sql, /without rowid/i);
    }
  } finally {
    await db.close();
  }
});
