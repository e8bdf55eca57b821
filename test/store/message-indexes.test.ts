/**
 * Migrations 0008 and 0009's partial indexes: the CLI's status listing still finds every status (and on SQLite
 * reads the open ones through messages_status), and keyed inbound messages are still stored once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { NewMessage } from '../../src/app/ports.js';
import type { MessageStatus } from '../../src/domain/message.js';
import type { Db } from '../../src/store/engine/db.js';
import { insertKeyedMessage } from '../../src/store/sql/inbox.js';
import { messageRow } from '../../src/store/sql/message-columns.js';
import { insertMessage, listMessages, listMessagesQuery } from '../../src/store/sql/messages.js';
import { freshDb, queryPlan, textMessage } from '../helpers/db.js';

let db: Db;
before(async () => {
  db = await freshDb();
});
after(async () => {
  await db?.close();
});

const message = (status: MessageStatus, body: string): NewMessage =>
  textMessage({ senderAccountId: null, from: '+12025550801', to: '+12025550802', body, status });

test('messages list --status finds open and final statuses alike', async () => {
  const statuses: MessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'failed', 'received'];
  for (const status of statuses) {
    for (let i = 0; i < 3; i++) await insertMessage(db.kysely, message(status, `${status} ${i}`), Date.now());
  }
  for (const status of statuses) {
    const rows = await listMessages(db.kysely, { status, limit: 10 });
    assert.deepEqual(
      rows.map((r) => r.body),
      [`${status} 2`, `${status} 1`, `${status} 0`],
      `listing ${status}`,
    );
  }
});

test('on SQLite the open statuses are read through the partial index', async (t) => {
  if (db.dialect !== 'sqlite') return t.skip('the plan is checked on SQLite');
  const c = listMessagesQuery(db.kysely, { status: 'failed', limit: 10 }).compile();
  assert.match(await queryPlan(db, c), /messages_status/);
});

test('on SQLite a new message is indexed without a temporary table for the status predicate', async (t) => {
  if (db.dialect !== 'sqlite') return t.skip('the program is checked on SQLite');
  // A `not in (…)` predicate made SQLite build an ephemeral B-tree for every insert (migration 0009).
  const c = db.kysely
    .insertInto('messages')
    .values(messageRow(message('delivered', 'x'), 0))
    .compile();
  const program = await db.kysely.executeQuery<{ opcode: string }>(
    CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]),
  );
  const opcodes = program.rows.map((r) => r.opcode);
  assert.ok(opcodes.includes('IdxInsert'), 'the program writes index entries');
  assert.ok(!opcodes.includes('OpenEphemeral'), `no temporary table in: ${opcodes.join(' ')}`);
});

test('an inbound message with a key already stored is not stored again', async () => {
  const m = message('received', 'inbound once');
  const first = await insertKeyedMessage(db.kysely, m, 'carrier:ref-1', Date.now());
  assert.ok(first);
  assert.equal(await insertKeyedMessage(db.kysely, m, 'carrier:ref-1', Date.now()), undefined);
  const n = await db.kysely
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('body', '=', 'inbound once')
    .executeTakeFirstOrThrow();
  assert.equal(Number(n.n), 1);
});

test('a message to an outside number is in neither recipient index, which fetches by account still read', async () => {
  // Migration 0020: both indexes hold only rows with a recipient account.
  const defs =
    db.dialect === 'sqlite'
      ? await db.kysely.executeQuery<{ def: string }>(
          CompiledQuery.raw(
            "select sql as def from sqlite_master where name in ('messages_recipient', 'messages_unread')",
          ),
        )
      : await db.kysely.executeQuery<{ def: string }>(
          CompiledQuery.raw(
            "select indexdef as def from pg_indexes where indexname in ('messages_recipient', 'messages_unread')",
          ),
        );
  assert.equal(defs.rows.length, 2);
  for (const { def } of defs.rows) assert.match(def, /recipient_account_id"?\)? is not null/i, def);
  // The statements of store/sql/fetch.ts compare the account with `=`, which implies `is not null`.
  const page = await queryPlan(
    db,
    sql`select id from messages where recipient_account_id = ${7} and id > ${0} order by id limit 10`.compile(
      db.kysely,
    ),
    { noBitmap: true },
  );
  assert.match(page, /messages_recipient/, page);
  // `displayed = 0` a literal, as store/sql/fetch.ts writes it (PostgreSQL's partial index needs it).
  const unread = await queryPlan(
    db,
    sql`select id from messages where recipient_account_id = ${7} and displayed = 0 and id <= ${1000}
      order by id limit 10`.compile(db.kysely),
    { noBitmap: true },
  );
  assert.match(unread, /messages_unread/, unread);
});
