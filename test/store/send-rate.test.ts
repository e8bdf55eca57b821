/**
 * The per-account send rate (`limits.sendPerMinute`) holds across instances. Two services on
 * one store (a PostgreSQL database, or one SQLite file) count every account's sends in `send_counts`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const LIMITS = { sendPerMinute: 3 };
const PW = password('rate');
let a: TestService;
let b: TestService;

before(async () => {
  a = await startTestService({ limits: LIMITS });
  b = await startTestService({
    limits: LIMITS,
    dataDir: a.config.dataDir,
    databaseUrl: a.config.databaseUrl,
  });
  for (const [username, number] of [
    ['chatty', '+12025550401'],
    ['quiet', '+12025550402'],
    ['peer', '+12025550403'],
  ] as const) {
    await a.admin.add({ username, password: PW, numbers: [number], region: 'US' });
  }
});

after(async () => {
  await b?.close();
  await a?.close();
});

const send = async (base: string, username: string): Promise<{ status: number; message?: string }> => {
  const res = await fetch(`${base}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PW, to: '+12025550403', body: 'hello' }),
  });
  return { status: res.status, ...((await res.json()) as { message?: string }) };
};

test('an account over its sends per minute gets 429 whichever instance it reaches', async () => {
  assert.equal((await send(a.url, 'chatty')).status, 200);
  assert.equal((await send(b.url, 'chatty')).status, 200);
  assert.equal((await send(a.url, 'chatty')).status, 200);
  const fourth = await send(b.url, 'chatty');
  assert.equal(fourth.status, 429);
  assert.equal(fourth.message, 'Too many messages, try again in a minute');
  assert.equal((await send(a.url, 'chatty')).status, 429);
});

test('one account reaching its limit does not limit another', async () => {
  assert.equal((await send(b.url, 'quiet')).status, 200);
});
