/**
 * The admin API's common message searches use an index on both engines: by account (sender and
 * recipient indexes), by an open status (the partial status index), and a plain page (the primary key
 * backwards from the cursor), never a sort of the whole table.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type MessageSearch, searchMessagesQuery } from '../../src/store/sql/admin-messages.js';
import { freshDb, queryPlan } from '../helpers/db.js';

const db = await freshDb();
after(() => db.close());

function plan(f: MessageSearch, noBitmap = false): Promise<string> {
  return queryPlan(db, searchMessagesQuery(db.kysely, f).compile(), { noBitmap });
}

test('a search by account reads the sender and recipient indexes', async () => {
  const p = await plan({ accountId: 7, before: 1000, limit: 100 });
  assert.match(p, /messages_sender/, p);
  assert.match(p, /messages_recipient/, p);
});

test('a search by an open status reads the partial status index', async () => {
  const p = await plan({ status: 'failed', limit: 100 });
  assert.match(p, /messages_status/, p);
});

test('a page with no filter walks the primary key backwards, without sorting', async () => {
  const p = await plan({ before: 1000, since: 1, limit: 100 }, true);
  assert.doesNotMatch(p, /TEMP B-TREE|Sort/, p);
  assert.match(p, db.dialect === 'sqlite' ? /INTEGER PRIMARY KEY|USING ROWID/ : /messages_pkey/, p);
});
