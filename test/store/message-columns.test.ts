/**
 * The columns of a message insert are declared once (store/sql/message-columns.ts): the PostgreSQL accept
 * statements are generated from that declaration, and every write of a new message, on both engines,
 * stores every declared column so that it reads back as it was given.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { NewMessage } from '../../src/app/ports.js';
import { systemClock } from '../../src/app/ports.js';
import { makeStore, type Store } from '../../src/store/adapters/store.js';
import { ACCEPT_SQL } from '../../src/store/sql/accept-pg.js';
import { ACCEPT_BATCH_SQL } from '../../src/store/sql/accept-pg-batch.js';
import { insertAccount } from '../../src/store/sql/accounts.js';
import { findIdByInboundKey, insertKeyedMessage } from '../../src/store/sql/inbox.js';
import { INSERT_COLUMNS, MESSAGE_COLUMNS } from '../../src/store/sql/message-columns.js';
import { findMessage, insertMessage } from '../../src/store/sql/messages.js';
import { freshDb } from '../helpers/db.js';

let db: Awaited<ReturnType<typeof freshDb>>;
let store: Store;
let sender: number;
let recipient: number;

before(async () => {
  db = await freshDb();
  store = makeStore(db, systemClock);
  const account = (username: string) =>
    insertAccount(db.kysely, { username, passwordHash: 'x', region: 'US', creditMicros: null, now: 1 });
  sender = await account('columns-sender');
  recipient = await account('columns-recipient');
});

after(async () => {
  await db?.close();
});

/** The column list of the `insert into messages (…)` in `sql`. */
const insertedColumns = (sql: string) =>
  /insert into messages \(([^)]*)\)/
    .exec(sql)![1]!
    .split(',')
    .map((c) => c.trim());

const placeholders = (sql: string) => [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))];

test('the PostgreSQL accept statements insert exactly the declared columns, numbered without a gap', () => {
  const declared = INSERT_COLUMNS.map((c) => c.column);
  const filled = INSERT_COLUMNS.filter((c) => typeof c.insert === 'function').length;
  for (const sql of [ACCEPT_SQL.withCharge, ACCEPT_SQL.withoutCharge]) {
    assert.deepEqual(insertedColumns(sql), declared);
    // One placeholder per value the message fills, then the time and the four job values.
    assert.deepEqual(
      placeholders(sql).sort((a, b) => a - b),
      Array.from({ length: filled + 5 }, (_, i) => i + 1),
    );
  }
  assert.deepEqual(insertedColumns(ACCEPT_BATCH_SQL), ['id', ...declared]);
  // One array per value the message fills, then the kinds, owners and lease ends, the time.
  assert.deepEqual(
    placeholders(ACCEPT_BATCH_SQL).sort((a, b) => a - b),
    Array.from({ length: filled + 4 }, (_, i) => i + 1),
  );
});

/** A message whose every field differs from the column defaults and from the other messages. */
const distinct = (i: number): NewMessage => ({
  senderAccountId: sender,
  recipientAccountId: recipient,
  from: `+1202555${1000 + i}`,
  to: `+1202556${1000 + i}`,
  toRaw: `raw ${i}`,
  body: `body ${i}`,
  contentType: `type/${i}`,
  dispositionNotification: `dn-${i}:positive-delivery`,
  smart: true,
  status: 'received',
  segments: 3 + i,
  chargeMicros: 0,
  requestId: `req-${i}`,
});

/** Read `id` back, and check every declared column against `m`. */
async function assertStoredAs(id: number, m: NewMessage, label: string): Promise<void> {
  const got = await findMessage(db.kysely, id);
  assert.ok(got, `${label}: message ${id} is stored`);
  const { smart, requestId, ...fields } = m;
  for (const [k, v] of Object.entries(fields)) {
    assert.deepEqual(got[k as keyof typeof got], v, `${label}: ${k}`);
  }
  assert.equal(got.attempts, 0, `${label}: attempts`);
  assert.equal(got.displayed, false, `${label}: displayed`);
  assert.ok(got.createdAt > 0 && got.createdAt === got.updatedAt, `${label}: times`);
  const raw = await db.kysely
    .selectFrom('messages')
    .select(['smart', 'request_id', 'refunded_micros'])
    .where('id', '=', id)
    .executeTakeFirst();
  assert.equal(raw?.smart, smart ? 1 : 0, `${label}: smart`);
  assert.equal(raw?.request_id, requestId ?? null, `${label}: request_id`);
  assert.equal(Number(raw?.refunded_micros), 0, `${label}: refunded_micros`);
}

test('every way of storing a new message stores every declared column, on this engine', async () => {
  // A lone accept (PostgreSQL: the single statement), then three at once (PostgreSQL: the batch).
  const one = distinct(0);
  await assertStoredAs(await store.accept(one, []), one, 'lone accept');
  const many = [1, 2, 3].map(distinct);
  const ids = await Promise.all(many.map((m) => store.accept(m, ['push'])));
  for (const [i, id] of ids.entries()) await assertStoredAs(id, many[i]!, `accept ${i + 1} of 3`);

  const bounce = distinct(4);
  await assertStoredAs(await insertMessage(db.kysely, bounce, Date.now()), bounce, 'insertMessage');
  const keyed = distinct(5);
  await insertKeyedMessage(db.kysely, keyed, 'columns|5', Date.now());
  await assertStoredAs((await findIdByInboundKey(db.kysely, 'columns|5'))!, keyed, 'insertKeyedMessage');
});

test('every column a Message reads is declared, and every declared column is in the table', async () => {
  const id = await insertMessage(db.kysely, distinct(6), Date.now());
  const row = await db.kysely.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  const table = Object.keys(row!).filter((c) => c !== 'inbound_key');
  assert.deepEqual(MESSAGE_COLUMNS.map((c) => c.column).sort(), table.sort());
});
