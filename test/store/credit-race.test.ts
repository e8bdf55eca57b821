/**
 * Credit must hold across instances. Two textbridge services on one store charge one account
 * at once over real HTTP: two processes on one PostgreSQL database; on the embedded store, which takes
 * one server process (test/cli/store-lock.test.ts), two services of this process on the same SQLite
 * file, each with its own connection.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type Child, startChild } from '../helpers/child.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PW1 = password('race-1');
const PW2 = password('race-2');

const PRICE = 0.01; // rates.default, per segment: every send below is one segment
const START_CREDIT = '0.50';
const ATTEMPTS_PER_INSTANCE = 40; // 80 attempts for 50 sends' worth of credit
const RATES = { default: PRICE, onNet: 0 };
// Off-net sends need a route since the delivery engine: the log carrier accepts everything.
const DELIVERY = { carriers: [{ name: 'log', type: 'log' }], routes: [{ carrier: 'log' }] };

let a: TestService;
let b: Child | undefined;
let bInProcess: TestService | undefined;
let urlB: string;

before(async () => {
  a = await startTestService({ rates: RATES, ...DELIVERY });
  if (a.config.databaseUrl) {
    // The second instance: a real `textbridge serve` process on the same store, same configuration.
    const configFile = path.join(a.config.dataDir, 'instance-b.json');
    writeFileSync(configFile, JSON.stringify({ rates: RATES, ...DELIVERY }));
    b = await startChild(['serve'], {
      TEXTBRIDGE_CONFIG: configFile,
      TEXTBRIDGE_DATA_DIR: a.config.dataDir,
      DATABASE_URL: a.config.databaseUrl,
    });
    urlB = b.url;
  } else {
    bInProcess = await startTestService({ rates: RATES, ...DELIVERY, dataDir: a.config.dataDir });
    urlB = bInProcess.url;
  }
  await a.admin.add({
    username: 'payer',
    password: PW1,
    numbers: ['+12025550100'],
    region: 'US',
    credit: START_CREDIT,
  });
  await a.admin.add({ username: 'friend', password: PW2, numbers: ['+12025550101'], region: 'US' });
});

after(async () => {
  b?.proc.kill('SIGTERM');
  await b?.exited;
  await bInProcess?.close();
  await a?.close();
});

const send = async (base: string, to: string, body: string): Promise<number> => {
  const res = await fetch(`${base}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'payer', password: PW1, to, body }),
  });
  await res.arrayBuffer();
  return res.status;
};

test('two instances charging one account at once never take its credit below zero', async () => {
  // An on-net send costs nothing and warms each instance's login cache, so the race below is between
  // charges, not between password checks.
  assert.equal(await send(a.url, '+12025550101', 'warm a'), 200);
  assert.equal(await send(urlB, '+12025550101', 'warm b'), 200);

  const attempts: Array<Promise<number>> = [];
  for (let i = 0; i < ATTEMPTS_PER_INSTANCE; i++) {
    attempts.push(send(a.url, '+12025550123', `a ${i}`), send(urlB, '+12025550123', `b ${i}`));
  }
  const statuses = await Promise.all(attempts);
  const ok = (s: number) => s >= 200 && s < 300;
  const accepted = statuses.filter(ok).length;
  // Even indexes went to A, odd to B: both must have won some charges, or nothing raced.
  assert.ok(statuses.some((s, i) => i % 2 === 0 && ok(s)) && statuses.some((s, i) => i % 2 === 1 && ok(s)));
  const refused = statuses.filter((s) => s === 402).length;
  assert.equal(accepted + refused, statuses.length, `unexpected statuses: ${statuses.join(',')}`);

  const view = (await a.admin.list()).find((v) => v.username === 'payer')!;
  const startMicros = Math.round(Number(START_CREDIT) * 1e6);
  const priceMicros = Math.round(PRICE * 1e6);
  // Exactly as many sends as the credit pays for: none more (overdraft), none fewer (a lost charge).
  assert.equal(accepted * priceMicros, startMicros);
  assert.equal(view.credit, 0);
  const charged = await a.admin.messages({ username: 'payer', limit: 1000 });
  assert.equal(charged.filter((m) => m.chargeMicros > 0).length, accepted);
});
