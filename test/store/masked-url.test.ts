import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskedUrl, openDb } from '../../src/store/engine/db.js';

// What the start-up line and `store copy` print as the store's place (`Db.where`) never holds a
// secret of the connection string, in any of the forms libpq reads one.
test('a PostgreSQL URL loses every password it carries, in the user part and in the query', async () => {
  const url = 'postgres://tb:pw-1@db.example:5432/tb?sslmode=require&password=pw-2&sslpassword=pw-3';
  const masked = maskedUrl(url);
  for (const secret of ['pw-1', 'pw-2', 'pw-3']) assert.ok(!masked.includes(secret), masked);
  assert.equal(masked, 'postgres://tb:***@db.example:5432/tb?sslmode=require&password=***&sslpassword=***');
  const db = openDb({ dataDir: '.', databaseUrl: 'postgres://tb@127.0.0.1:1/tb?password=pw-4' });
  try {
    assert.equal(db.where, 'postgres://tb@127.0.0.1:1/tb?password=***');
  } finally {
    await db.close();
  }
});
