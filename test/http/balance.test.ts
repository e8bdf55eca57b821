/**
 * Balance Checker over real HTTP against a real store: the answer the app reads, in the configured
 * format, the credit as it is now (after a send), and credentials checked as for Send Message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendForm, sendGet, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('balance');

before(async () => {
  svc = await startTestService({
    carriers: [{ name: 'log', type: 'log' }],
    routes: [{ carrier: 'log' }],
    rates: { default: 0.01 },
    balance: { currency: 'USD', format: '$%amount%' },
  });
  await svc.admin.add({
    username: 'ann',
    password: PW,
    numbers: ['+15550006001'],
    region: 'US',
    credit: '60.2',
  });
  await svc.admin.add({ username: 'free', password: password('free'), numbers: [], region: 'US' });
});
after(() => svc.close());

const check = (user = 'ann', pw = PW) => sendJson(svc.url, { username: user, password: pw }, '/balance');
const shown = (res: { json(): unknown }) => (res.json() as { balanceString: string }).balanceString;

describe('balance checker', () => {
  test('a limited account gets its credit as the app reads it, byte for byte', async () => {
    await svc.admin.credit('ann', undefined, '60.2');
    const res = await check();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.text, '{"balanceString":"$60.20","balance":60.2,"currency":"USD"}');
  });

  test("an XML-preferring client gets the XML answer of Acrobits' article", async () => {
    await svc.admin.credit('ann', undefined, '60.2');
    const res = await fetch(`${svc.url}/balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/xml' },
      body: new URLSearchParams({ username: 'ann', password: PW }).toString(),
    });
    assert.equal(res.status, 200);
    assert.equal(
      await res.text(),
      '<response><error>0</error><balanceString>$60.20</balanceString></response>',
    );
  });

  test('the credit shown is the credit after the last send, not the one at login', async () => {
    await svc.admin.credit('ann', undefined, '1');
    assert.equal(shown(await check()), '$1.00');
    const sent = await sendJson(svc.url, { from: 'ann', password: PW, to: '+15557770000', body: 'hi' });
    assert.equal(sent.status, 200);
    assert.deepEqual((await check()).json(), { balanceString: '$0.99', balance: 0.99, currency: 'USD' });
  });

  test('decimals beyond the configured ones are cut off, never rounded up', async () => {
    await svc.admin.credit('ann', undefined, '0.019999');
    assert.deepEqual((await check()).json(), { balanceString: '$0.01', balance: 0.019999, currency: 'USD' });
  });

  test('an account without a limit is shown "Unlimited", with no balance number', async () => {
    const res = await check('free', password('free'));
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"balanceString":"Unlimited","currency":"USD"}');
  });

  test('GET and form templates read the same fields as Send Message', async () => {
    await svc.admin.credit('ann', undefined, '5');
    const get = await sendGet(svc.url, { user: 'ann', pass: PW }, '/balance');
    assert.equal(shown(get), '$5.00');
    const form = await sendForm(svc.url, { cloud_username: 'ann', cloud_password: PW }, '/balance');
    assert.equal(shown(form), '$5.00');
  });

  test('wrong or missing credentials are 401 with a message', async () => {
    const wrong = await check('ann', 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json(), { message: 'Wrong username or password' });
    const missing = await sendJson(svc.url, { username: 'ann' }, '/balance');
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json(), { message: 'Missing username or password' });
  });

  test('a HEAD or DELETE is 405 with a message', async () => {
    const res = await fetch(`${svc.url}/balance`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.match(((await res.json()) as { message: string }).message, /DELETE is not allowed/);
  });
});
