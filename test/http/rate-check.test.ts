/**
 * Rate Checker over real HTTP against a real store: the price shown for a number is what Send Message
 * then charges for one segment to it (read from the credit before and after), on-net included; the
 * answer shapes; credentials checked as for Send Message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Answer, sendGet, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('rate');

before(async () => {
  svc = await startTestService({
    carriers: [{ name: 'log', type: 'log' }],
    routes: [{ carrier: 'log' }],
    rates: { default: 0.01, '+44': 0.04, '+447': 0.0575, onNet: 0.002 },
  });
  await svc.admin.add({
    username: 'rita',
    password: PW,
    numbers: ['+447700900001'],
    region: 'GB',
    credit: '10',
  });
  await svc.admin.add({
    username: 'colleague',
    password: password('c'),
    numbers: ['+15550007001'],
    region: 'US',
  });
});
after(() => svc.close());

const rate = (fields: Record<string, string>, user = 'rita', pw = PW) =>
  sendJson(svc.url, { username: user, password: pw, ...fields }, '/rate');
const shown = (res: Answer) => (res.json() as { messageRateString: string }).messageRateString;
const creditMicros = async () =>
  Math.round((await svc.admin.list()).find((a) => a.username === 'rita')!.credit! * 1_000_000);
/** What one 1-segment send to `to` took from the credit, as a decimal string like the rate's. */
async function charged(to: string): Promise<string> {
  const before = await creditMicros();
  const res = await sendJson(svc.url, { from: 'rita', password: PW, to, body: 'one segment' });
  assert.equal(res.status, 200, res.text);
  const micros = before - (await creditMicros());
  return (micros / 1_000_000)
    .toFixed(6)
    .replace(/0+$/, '')
    .replace(/\.(\d)$/, '.$10');
}

describe('rate checker', () => {
  test('the rate shown for a number is what the following send charges, for every kind of recipient', async () => {
    for (const [target, expected] of [
      ['+15557770000', 'USD 0.01'], // default
      ['+442079460018', 'USD 0.04'], // +44
      ['+447700900123', 'USD 0.0575'], // +447, the longest prefix
      ['07700 900124', 'USD 0.0575'], // a national number in the sender's region (GB)
      ['+15550007001', 'USD 0.002'], // another account's number: on-net
      ['colleague', 'USD 0.002'], // another account's username: on-net
    ] as const) {
      const res = await rate({ targetNumber: target });
      assert.equal(res.status, 200, res.text);
      assert.equal(shown(res), expected, target);
      assert.equal(`USD ${await charged(target)}`, shown(res), `charged for ${target}`);
    }
  });

  test('an off-net number gets messageRateString alone, byte for byte', async () => {
    const res = await rate({ targetNumber: '+447700900123' });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.text, '{"messageRateString":"USD 0.0575"}');
  });

  test('an on-net recipient also gets smartMessageRateString', async () => {
    const res = await rate({ targetNumber: '+15550007001' });
    assert.equal(res.text, '{"messageRateString":"USD 0.002","smartMessageRateString":"USD 0.002"}');
  });

  test('a smartUri of another account is priced on-net whatever the number', async () => {
    const res = await rate({ targetNumber: '+15557770000', smartUri: 'sip:colleague@sip.example.com' });
    assert.equal(res.text, '{"messageRateString":"USD 0.002","smartMessageRateString":"USD 0.002"}');
    const none = await rate({ targetNumber: '+15557770000', smartUri: '' });
    assert.equal(none.text, '{"messageRateString":"USD 0.01"}');
  });

  test('the start of a number is priced by the best matching prefix', async () => {
    assert.equal(shown(await rate({ targetNumber: '+4477' })), 'USD 0.0575');
    assert.equal(shown(await rate({ targetNumber: '+442' })), 'USD 0.04');
    assert.equal(shown(await rate({ targetNumber: '+1' })), 'USD 0.01');
  });

  test('something that is not an address is shown "—" with 200', async () => {
    for (const target of ['hello world!', '12', 'sip:nobody@sip.example.com']) {
      const res = await rate({ targetNumber: target });
      assert.equal(res.status, 200);
      assert.equal(res.text, '{"messageRateString":"—"}', target);
    }
  });

  test('the GET template of the doc works, and XML is answered to an XML-preferring client', async () => {
    const get = await sendGet(
      svc.url,
      { username: 'rita', password: PW, targetNumber: '+442079460018' },
      '/rate',
    );
    assert.equal(get.text, '{"messageRateString":"USD 0.04"}');
    const res = await fetch(
      `${svc.url}/rate?${new URLSearchParams({ username: 'rita', password: PW, targetNumber: '+15550007001' })}`,
      {
        headers: { accept: 'text/xml' },
      },
    );
    assert.equal(
      await res.text(),
      '<response><error>0</error><messageRateString>USD 0.002</messageRateString><smartMessageRateString>USD 0.002</smartMessageRateString></response>',
    );
  });

  test('wrong credentials are 401 with a message, before a missing number is 400', async () => {
    const wrong = await rate({}, 'rita', 'wrong');
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json(), { message: 'Wrong username or password' });
    const missing = await rate({});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json(), { message: 'Missing number (targetNumber)' });
  });
});
