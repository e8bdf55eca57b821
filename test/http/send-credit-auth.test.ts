/** Credit per segment and authentication rules, over real HTTP against a real store. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('credit');

before(async () => {
  svc = await startTestService({
    carriers: [{ name: 'log', type: 'log' }],
    routes: [{ carrier: 'log' }],
    rates: { default: 0.01, '+44': 0.04, '+447': 0.05, onNet: 0 },
    auth: { maxFailures: 3, failureWindowMs: 60_000 },
  });
  await svc.admin.add({
    username: 'payer',
    password: PW,
    numbers: ['+15550003333'],
    region: 'US',
    credit: '1',
  });
  await svc.admin.add({
    username: 'friend',
    password: password('friend'),
    numbers: ['+15550004444'],
    region: 'US',
  });
  await svc.admin.add({ username: 'free', password: password('free'), numbers: [], region: 'GB' });
});
after(() => svc.close());

const balance = async (u: string) => (await svc.admin.list()).find((a) => a.username === u)!.credit;
const send = (to: string, body: string, user = 'payer', pw = PW) =>
  sendJson(svc.url, { from: user, password: pw, to, body });

describe('credit', () => {
  test('a 1-segment GSM text to the US costs the default rate', async () => {
    await svc.admin.credit('payer', undefined, '1');
    assert.equal((await send('+15557770000', 'hello')).status, 200);
    assert.equal(await balance('payer'), 0.99);
  });

  test('the longest matching prefix wins and every segment is charged (161 GSM chars = 2 segments)', async () => {
    await svc.admin.credit('payer', undefined, '1');
    assert.equal((await send('+447700900123', 'x'.repeat(161))).status, 200);
    assert.equal(await balance('payer'), 0.9, '2 × 0.05 for +447');
    assert.equal((await send('+442079460018', 'y'.repeat(10))).status, 200);
    assert.equal(await balance('payer'), 0.86, '1 × 0.04 for +44');
  });

  test('extension characters and emoji are counted as the network counts them', async () => {
    await svc.admin.credit('payer', undefined, '1');
    // 80 euro signs = 160 septets: one segment. 81 = 162 septets: two.
    assert.equal((await send('+15557770000', '€'.repeat(80))).status, 200);
    assert.equal(await balance('payer'), 0.99);
    assert.equal((await send('+15557770000', '€'.repeat(81))).status, 200);
    assert.equal(await balance('payer'), 0.97);
    // An emoji forces UCS-2: 70 units fit one segment; 35 emoji are 70 units; 36 need two segments.
    assert.equal((await send('+15557770000', '😀'.repeat(35))).status, 200);
    assert.equal(await balance('payer'), 0.96);
    assert.equal((await send('+15557770000', '😀'.repeat(36))).status, 200);
    assert.equal(await balance('payer'), 0.94);
  });

  test('on-net messages are free by default', async () => {
    await svc.admin.credit('payer', undefined, '0.01');
    assert.equal((await send('+15550004444', 'z'.repeat(500))).status, 200);
    assert.equal(await balance('payer'), 0.01);
  });

  test('not enough credit → 402 "Not enough credit", nothing stored, balance untouched', async () => {
    await svc.admin.credit('payer', undefined, '0.01');
    const before = (await svc.admin.messages({ username: 'payer', limit: 1 }))[0]?.id;
    const res = await send('+15557770000', 'x'.repeat(161));
    assert.equal(res.status, 402);
    assert.deepEqual(res.json(), { message: 'Not enough credit' });
    assert.equal((await svc.admin.messages({ username: 'payer', limit: 1 }))[0]?.id, before);
    assert.equal(await balance('payer'), 0.01);
  });

  test('an account without a balance is unlimited', async () => {
    assert.equal(await balance('friend'), null);
    for (let i = 0; i < 5; i++)
      assert.equal((await send('+15557770000', 'x'.repeat(400), 'friend', password('friend'))).status, 200);
  });

  test("the sender's region decides national numbers", async () => {
    assert.equal((await send('020 7946 0018', 'hi', 'free', password('free'))).status, 200);
    const [m] = await svc.admin.messages({ username: 'free', limit: 1 });
    assert.equal(m?.to, '+442079460018');
  });
});

describe('authentication', () => {
  test('a changed password ends the cached login at once, even one made by another store handle', async () => {
    await svc.admin.add({ username: 'changer', password: password('old'), numbers: [], region: 'US' });
    assert.equal((await send('+15557770000', 'a', 'changer', password('old'))).status, 200);
    assert.equal((await send('+15557770000', 'b', 'changer', password('old'))).status, 200, 'cached');
    await svc.admin.passwd('changer', password('new'));
    assert.equal((await send('+15557770000', 'c', 'changer', password('old'))).status, 401);
    assert.equal((await send('+15557770000', 'd', 'changer', password('new'))).status, 200);
  });

  test('repeated failures for one account are throttled with 429 and a message, even with the right password', async () => {
    await svc.admin.add({ username: 'target', password: password('target'), numbers: [], region: 'US' });
    for (let i = 0; i < 3; i++)
      assert.equal((await send('+15557770000', 'x', 'target', `guess${i}`)).status, 401);
    const res = await send('+15557770000', 'x', 'target', password('target'));
    assert.equal(res.status, 429);
    assert.match((res.json() as { message: string }).message, /Too many/);
  });

  test('a removed account can no longer send', async () => {
    await svc.admin.add({ username: 'leaver', password: password('leaver'), numbers: [], region: 'US' });
    assert.equal((await send('+15557770000', 'x', 'leaver', password('leaver'))).status, 200);
    await svc.admin.remove('leaver');
    assert.equal((await send('+15557770000', 'x', 'leaver', password('leaver'))).status, 401);
  });
});
