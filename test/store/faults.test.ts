/**
 * Store faults: which errors mean "the store cannot write", what the phone is told (503), what the
 * log gets (one line per burst), and a wrong password that stays 401 when its count cannot be stored.
 * The full disk itself, on a real filesystem: store/disk-full.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { makeAuthenticate } from '../../src/app/authenticate.js';
import { hashPassword } from '../../src/app/passwords.js';
import type { SharedFailures } from '../../src/app/throttle.js';
import { SmsError, storeUnavailable } from '../../src/errors.js';
import { mapError } from '../../src/http/error-map.js';
import { makeStoreProbe } from '../../src/store/adapters/health.js';
import { classifyFault, StoreFaults } from '../../src/store/engine/faults.js';
import { freshDb } from '../helpers/db.js';
import { password } from '../helpers/secrets.js';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

test('full disks, I/O errors and lost connections are faults on both engines; constraints and refusals are not', () => {
  assert.deepEqual(classifyFault(pgError('SQLITE_FULL')), { cause: 'disk full', code: 'SQLITE_FULL' });
  assert.equal(classifyFault(pgError('SQLITE_IOERR_WRITE'))?.cause, 'I/O error');
  assert.equal(classifyFault(pgError('ENOSPC'))?.cause, 'disk full');
  assert.deepEqual(classifyFault(pgError('53100')), { cause: 'disk full', code: '53100' });
  assert.equal(classifyFault(pgError('53300'))?.cause, 'too many connections');
  assert.equal(classifyFault(pgError('08006'))?.cause, 'connection lost');
  assert.equal(classifyFault(pgError('57P01'))?.cause, 'database server shutting down');
  assert.equal(classifyFault(pgError('ECONNREFUSED'))?.cause, 'connection refused');
  assert.equal(classifyFault(new Error('Connection terminated unexpectedly'))?.cause, 'connection lost');
  assert.equal(classifyFault(pgError('23505')), undefined, 'a unique violation is the request’s');
  assert.equal(classifyFault(pgError('SQLITE_CONSTRAINT_UNIQUE')), undefined);
  assert.equal(classifyFault(new SmsError('SMS_ERR_NO_CREDIT', 'Not enough credit')), undefined);
  assert.equal(classifyFault(new Error('no such table: x')), undefined);
});

test('PostgreSQL’s disk_full (53100) reaches the phone as 503 "Service temporarily unavailable, message not sent"', () => {
  const faults = new StoreFaults('postgres://tb:***@db/tb');
  faults.serve({ error: () => {}, info: () => {} });
  const out = faults.translate(
    pgError('53100', 'could not extend file "base/16384/16397": No space left on device'),
  );
  assert.deepEqual(mapError(out), {
    status: 503,
    message: 'Service temporarily unavailable, message not sent',
    internal: false,
  });
  assert.deepEqual(faults.current, { cause: 'disk full', code: '53100' });
  const other = pgError('23505');
  assert.equal(faults.translate(other), other, 'anything else passes unchanged');
});

test('a burst of faults is one error line naming the cause and the store, with the count it stands for', () => {
  let t = 0;
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const faults = new StoreFaults('/data/textbridge.db', 10_000, () => t);
  faults.serve({
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
  });
  for (let i = 0; i < 226; i++) {
    faults.translate(pgError('SQLITE_FULL'));
    t += 10;
  }
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.msg, 'store cannot write: disk full (SQLITE_FULL) at /data/textbridge.db');
  t += 10_000;
  faults.translate(pgError('SQLITE_FULL'));
  assert.equal(lines.length, 2, 'a new line once the quiet time has passed');
  assert.equal(lines[1]!.obj['suppressed'], 225);
  faults.wrote();
  assert.equal(faults.current, undefined);
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    [
      ['error', 'store cannot write: disk full (SQLITE_FULL) at /data/textbridge.db'],
      ['error', 'store cannot write: disk full (SQLITE_FULL) at /data/textbridge.db'],
      ['info', 'store writes again'],
    ],
  );
});

test('a wrong password answers 401 even when its failure count cannot be stored', async () => {
  const pw = password('faults');
  const account = { id: 1, username: 'alice', passwordHash: await hashPassword(pw) };
  const shared: SharedFailures = {
    record: async () => {
      throw storeUnavailable({ cause: 'disk full' });
    },
    anyBlocked: async () => false,
    clear: async () => {},
  };
  const authenticate = makeAuthenticate(
    { byUsername: async (u: string) => (u === 'alice' ? account : undefined) } as never,
    { now: () => 0 } as never,
    { cacheTtlMs: 0, maxFailures: 10, maxFailuresPerAddress: 100, failureWindowMs: 60_000 },
    shared,
  );
  await assert.rejects(authenticate({ username: 'alice', password: `${pw}x`, ip: '192.0.2.1' }), {
    code: 'SMS_ERR_UNAUTHORIZED',
  });
  await assert.rejects(authenticate({ username: 'nobody', password: pw, ip: '192.0.2.1' }), {
    code: 'SMS_ERR_UNAUTHORIZED',
  });
});

test('a PostgreSQL connection the server ends answers as the store being unavailable, and readiness says why', async (t) => {
  const db = await freshDb();
  try {
    if (db.dialect !== 'postgres')
      return t.skip('PostgreSQL only (the SQLite side: store/disk-full.test.ts)');
    await assert.rejects(sql`select pg_terminate_backend(pg_backend_pid())`.execute(db.kysely), {
      code: 'SMS_ERR_STORE_UNAVAILABLE',
    });
    assert.equal(db.faults.current?.cause, 'database server shutting down');
    await assert.rejects(
      makeStoreProbe(db).ping(),
      /store cannot write: (database server shutting down|connection lost)/,
    );
    await sql`update accounts set credit_micros = credit_micros where id = 0`.execute(db.kysely);
    assert.equal(db.faults.current, undefined, 'a write that succeeds ends it');
    await makeStoreProbe(db).ping();
  } finally {
    await db.close();
  }
});

test('a transaction SQLite already rolled back fails with its own error, not "cannot rollback"', async (t) => {
  const db = await freshDb();
  try {
    if (db.dialect !== 'sqlite')
      return t.skip('SQLite only: it rolls a transaction back itself on SQLITE_FULL');
    // What SQLite does on SQLITE_FULL inside a transaction, done by hand: the transaction ends, then
    // the statement's error reaches Kysely, which sends ROLLBACK.
    await assert.rejects(
      db.kysely.transaction().execute(async (trx) => {
        await sql`rollback`.execute(trx);
        throw new Error('the statement’s own error');
      }),
      /the statement’s own error/,
    );
    await sql`select 1`.execute(db.kysely);
  } finally {
    await db.close();
  }
});

test('outside a server (the CLI), a store fault names its cause and the store for the operator', () => {
  const faults = new StoreFaults('/data/textbridge.db');
  const out = faults.translate(pgError('SQLITE_FULL', 'database or disk is full'));
  assert.ok(out instanceof SmsError);
  assert.equal(out.code, 'SMS_ERR_STORE_UNAVAILABLE');
  assert.equal(out.message, 'store cannot write: disk full (SQLITE_FULL) at /data/textbridge.db');
});
