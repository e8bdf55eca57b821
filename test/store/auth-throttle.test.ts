/**
 * Login throttling holds across instances. Two services on one store (a PostgreSQL
 * database, or one SQLite file) share their failure counts through the `auth_failures` table.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestService, type TestService } from '../helpers/service.js';

const AUTH = { maxFailures: 3, maxFailuresPerAddress: 3, failureWindowMs: 60_000, cacheTtlMs: 60_000 };
// Behind a load balancer: the client address comes from X-Forwarded-For, so each test picks its own.
const SERVER = { trustProxy: true };
let a: TestService;
let b: TestService;

before(async () => {
  a = await startTestService({ auth: AUTH, server: SERVER });
  b = await startTestService({
    auth: AUTH,
    server: SERVER,
    dataDir: a.config.dataDir,
    databaseUrl: a.config.databaseUrl,
  });
  for (const username of ['target', 'bystander']) {
    await a.admin.add({ username, password: `pw-${username}-ok`, numbers: [], region: 'US' });
  }
});

after(async () => {
  await b?.close();
  await a?.close();
});

const send = async (base: string, username: string, password: string, ip: string): Promise<number> => {
  const res = await fetch(`${base}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ username, password, to: 'bystander', body: 'hi' }),
  });
  await res.arrayBuffer();
  return res.status;
};

test('failed logins on one instance count on the other, so guessing an account stops at the shared limit', async () => {
  // Each guess from a new address: only the account's count reaches the limit.
  assert.equal(await send(a.url, 'target', 'wrong-1', '192.0.2.1'), 401);
  assert.equal(await send(b.url, 'target', 'wrong-2', '192.0.2.2'), 401);
  assert.equal(await send(a.url, 'target', 'wrong-3', '192.0.2.3'), 401);
  // Three failures in all: B has seen only one itself, and still refuses, even the right password.
  assert.equal(await send(b.url, 'target', 'pw-target-ok', '192.0.2.4'), 429);
  assert.equal(await send(a.url, 'target', 'wrong-4', '192.0.2.5'), 429);
  // Another account is not affected.
  assert.equal(await send(b.url, 'bystander', 'pw-bystander-ok', '192.0.2.6'), 200);
});

test('failures from one address across instances block that address for every account', async () => {
  const ip = '198.51.100.7';
  assert.equal(await send(b.url, 'nobody-1', 'wrong', ip), 401);
  assert.equal(await send(a.url, 'nobody-2', 'wrong', ip), 401);
  assert.equal(await send(b.url, 'nobody-3', 'wrong', ip), 401);
  assert.equal(await send(a.url, 'bystander', 'pw-bystander-ok', ip), 429);
  assert.equal(await send(a.url, 'bystander', 'pw-bystander-ok', '198.51.100.8'), 200);
});
