/**
 * Send Message contract over real HTTP: the seed's own examples byte for byte, every alias and body
 * encoding, every error with its status and message (send_message doc; protocol notes §1, §8).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rawRequest, sendForm, sendGet, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const ALICE = password('alice');
const BOB = password('bob');

before(async () => {
  svc = await startTestService({
    carriers: [{ name: 'log', type: 'log' }],
    routes: [{ carrier: 'log' }],
    rates: { default: 0.01 },
    auth: { maxFailures: 1000 },
  });
  await svc.admin.add({ username: 'johndow', password: '12345678', numbers: ['+15550001111'], region: 'US' });
  await svc.admin.add({ username: 'alice', password: ALICE, numbers: ['+15550002222'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB, numbers: ['+15551231234', '201'], region: 'US' });
});
after(() => svc.close());

/** The newest stored message (sent by anyone). */
async function last() {
  const [m] = await svc.admin.messages({ limit: 1 });
  assert.ok(m, 'a message was stored');
  return m;
}

describe('the seed examples', () => {
  test('the GET example is accepted byte for byte and answers 200 with the sms_id', async () => {
    const res = await rawRequest(
      svc.url,
      'GET /send_message/?from=johndow&password=12345678&sms_to=%2B15551231234&sms_body=Hello%20World HTTP/1.1\r\n' +
        'Host: example.com\r\nConnection: close\r\nCache-Control: max-age=0\r\nUser-Agent: CloudSoftphone/1.5.6\r\n\r\n',
    );
    assert.equal(res.status, 200);
    const id = (JSON.parse(res.body) as { sms_id: string }).sms_id;
    const m = await last();
    assert.equal(String(m.id), id);
    assert.equal(m.body, 'Hello World');
    assert.equal(m.to, '+15551231234');
    assert.equal(m.from, '+15550001111');
  });

  test('the JSON POST example is accepted byte for byte, recipient +1(555)123-1234 normalised', async () => {
    const body =
      '\n{\n    "from"        : "johndow",\n    "password"    : "12345678",\n' +
      '    "sms_to"      : "+1(555)123-1234",\n    "sms_body"    : "Hello World"\n}';
    const res = await rawRequest(
      svc.url,
      'POST /send_message/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\nCache-Control: max-age=0\r\n' +
        `User-Agent: CloudSoftphone/1.5.6\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    assert.equal(res.status, 200);
    const m = await last();
    assert.equal(m.to, '+15551231234');
    assert.equal(m.toRaw, '+1(555)123-1234');
    assert.equal(m.recipientAccountId !== null, true, 'bob owns +15551231234: on-net');
  });

  test('the 406 example: an impossible recipient answers {"message": "Invalid recipient"}', async () => {
    const res = await sendJson(svc.url, {
      from: 'johndow',
      password: '12345678',
      sms_to: 'not a number!',
      sms_body: 'x',
    });
    assert.equal(res.status, 406);
    assert.deepEqual(res.json(), { message: 'Invalid recipient' });
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  });

  test('the 402 example in XML: <response><message>Not enough credit</message></response>', async () => {
    await svc.admin.add({
      username: 'broke',
      password: password('broke'),
      numbers: [],
      region: 'US',
      credit: '0',
    });
    const q = new URLSearchParams({
      from: 'broke',
      password: password('broke'),
      to: '+15559998888',
      body: 'Hello',
    });
    const res = await fetch(`${svc.url}/send_message?${q}`, { headers: { accept: 'text/xml' } });
    assert.equal(res.status, 402);
    assert.match(res.headers.get('content-type') ?? '', /xml/);
    assert.match(await res.text(), /<response><message>Not enough credit<\/message><\/response>/);
  });
});

describe('aliases and encodings', () => {
  const base = { to: '+15551231234', body: 'alias test' };
  for (const userKey of ['from', 'username', 'user', 'cloud_username', 'FROM', 'UserName']) {
    for (const passKey of ['password', 'pass', 'cloud_password', 'PASSWORD']) {
      test(`credentials as ${userKey} + ${passKey} are accepted`, async () => {
        const res = await sendJson(svc.url, { [userKey]: 'alice', [passKey]: ALICE, ...base });
        assert.equal(res.status, 200, res.text);
      });
    }
  }
  for (const [toKey, bodyKey] of [
    ['to', 'body'],
    ['sms_to', 'sms_body'],
    ['to', 'text'],
    ['SMS_TO', 'Sms_Body'],
  ] as const) {
    test(`recipient as ${toKey} and text as ${bodyKey} are read`, async () => {
      const res = await sendForm(svc.url, {
        from: 'alice',
        password: ALICE,
        [toKey]: '201',
        [bodyKey]: `via ${bodyKey}`,
      });
      assert.equal(res.status, 200, res.text);
      assert.equal((await last()).body, `via ${bodyKey}`);
    });
  }

  const fields = { from: 'alice', password: ALICE, to: 'bob', body: 'sniffed' };
  for (const ct of [
    'text/plain',
    'application/json; charset=utf-8',
    'application/x-www-form-urlencoded; charset=UTF-8',
    'application/octet-stream',
  ]) {
    test(`a JSON body is sniffed whatever the Content-Type says (${ct})`, async () => {
      assert.equal((await sendJson(svc.url, fields, '/send_message', ct)).status, 200);
    });
    test(`a form body is sniffed whatever the Content-Type says (${ct})`, async () => {
      assert.equal((await sendForm(svc.url, fields, '/send_message', ct)).status, 200);
    });
  }

  test('credentials in the query and the text in the body are merged, the body winning', async () => {
    const q = new URLSearchParams({ from: 'alice', password: ALICE, body: 'query loses' });
    const res = await fetch(`${svc.url}/send_message?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ to: 'bob', body: 'body wins' }),
    });
    assert.equal(res.status, 200);
    assert.equal((await last()).body, 'body wins');
  });

  test('PUT is accepted and a trailing slash is optional', async () => {
    assert.equal((await sendJson(svc.url, fields, '/send_message/', 'application/json', 'PUT')).status, 200);
  });

  test('credentials with surrounding spaces are trimmed (a production template has one)', async () => {
    const res = await sendJson(svc.url, { ...fields, from: 'alice ', password: ` ${ALICE} ` });
    assert.equal(res.status, 200);
  });

  test('smart, content_type and disposition_notification are stored as sent', async () => {
    const ft = JSON.stringify({ body: 'pic', attachments: [{ 'content-url': 'https://x.example/a.jpg' }] });
    const res = await sendJson(svc.url, {
      ...fields,
      body: ft,
      smart: 1,
      content_type: 'application/x-acro-filetransfer+json',
      disposition_notification: 'abc123:positive-delivery, display',
    });
    assert.equal(res.status, 200);
    // By id: the on-net recipient has it at once, so alice's delivery notification is stored after it.
    const smsId = Number((res.json() as { sms_id: string }).sms_id);
    const m = (await svc.admin.messages({ limit: 5 })).find((x) => x.id === smsId);
    assert.ok(m, 'the message was stored');
    assert.equal(m.body, ft);
    assert.equal(m.contentType, 'application/x-acro-filetransfer+json');
    assert.equal(m.dispositionNotification, 'abc123:positive-delivery, display');
  });
});

describe('recipients', () => {
  const cases: Array<[string, string]> = [
    ['+1(555)123-1234', '+15551231234'],
    ['555-123-1234', '+15551231234'],
    ['15551231234', '+15551231234'],
    [' 15551231234', '+15551231234'],
    ['0044 20 7946 0018', '+442079460018'],
    ['+44 20 7946 0018', '+442079460018'],
    // bob is on-net: every way of naming him is stored as his one address, his first number.
    ['sip:bob@example.com', '+15551231234'],
    ['bob@example.com', '+15551231234'],
    ['bob', '+15551231234'],
    ['201', '+15551231234'],
  ];
  for (const [raw, normal] of cases) {
    test(`"${raw}" is normalised to ${normal} and the raw value is kept`, async () => {
      const res = await sendJson(svc.url, { from: 'alice', password: ALICE, to: raw, body: 'to test' });
      assert.equal(res.status, 200, res.text);
      const m = await last();
      assert.equal(m.to, normal);
      assert.equal(m.toRaw, raw);
    });
  }
  for (const bad of ['abc def', '+', '++--', '12345678901234567890', 'sip:', '@example.com', 'nobody-here']) {
    test(`"${bad}" is refused with 406 Invalid recipient`, async () => {
      const res = await sendJson(svc.url, { from: 'alice', password: ALICE, to: bad, body: 'x' });
      assert.equal(res.status, 406);
      assert.equal((res.json() as { message: string }).message, 'Invalid recipient');
    });
  }
});

describe('errors the app can show', () => {
  const ok = { from: 'alice', password: ALICE, to: 'bob', body: 'hi' };
  const cases: Array<[string, Record<string, string>, number, RegExp]> = [
    ['missing password', { from: 'alice', to: 'bob', body: 'hi' }, 401, /username or password/],
    ['empty password', { ...ok, password: '' }, 401, /username or password/],
    ['wrong password', { ...ok, password: 'nope' }, 401, /Wrong username or password/],
    ['unknown user', { ...ok, from: 'mallory' }, 401, /Wrong username or password/],
    ['missing recipient', { from: 'alice', password: ALICE, body: 'hi' }, 400, /Missing recipient/],
    ['empty text', { ...ok, body: '' }, 400, /empty/],
    ['blank text', { ...ok, body: '  \n ' }, 400, /empty/],
  ];
  for (const [name, body, status, message] of cases) {
    test(`${name} → ${status} with a message`, async () => {
      for (const send of [sendGet, sendForm, sendJson] as const) {
        const res = await send(svc.url, body);
        assert.equal(res.status, status, `${send.name}: ${res.text}`);
        assert.match((res.json() as { message: string }).message, message);
      }
    });
  }

  test('malformed JSON with a JSON Content-Type → 400', async () => {
    const res = await fetch(`${svc.url}/send_message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"from": "alice", ',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { message: 'Request body is not valid JSON' });
  });

  test('DELETE and HEAD → 405 with a message; no message is sent', async () => {
    const before = await last();
    const del = await fetch(`${svc.url}/send_message?${new URLSearchParams(ok)}`, { method: 'DELETE' });
    assert.equal(del.status, 405);
    assert.match(((await del.json()) as { message: string }).message, /DELETE/);
    const head = await fetch(`${svc.url}/send_message?${new URLSearchParams(ok)}`, { method: 'HEAD' });
    assert.equal(head.status, 405);
    assert.equal((await last()).id, before.id);
  });

  test('an unknown path → 404 with a message', async () => {
    const res = await fetch(`${svc.url}/nowhere?password=x`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: 'Not found' });
  });

  test('a text over the 64 KiB limit → 413 with a message, nothing stored', async () => {
    const before = await last();
    const res = await sendJson(svc.url, { ...ok, body: 'a'.repeat(64 * 1024 + 1) });
    assert.equal(res.status, 413);
    assert.match((res.json() as { message: string }).message, /too long/);
    assert.equal((await last()).id, before.id);
  });

  test('a 64 KiB text fits, and a GET URL of about 64 KiB works', async () => {
    const body = 'b'.repeat(64 * 1024 - 100);
    const res = await sendGet(svc.url, { ...ok, body });
    assert.equal(res.status, 200);
    assert.equal((await last()).body, body);
  });

  test('a URL beyond the limit gets 431 with a message, not a bare socket close', async () => {
    const res = await rawRequest(
      svc.url,
      `GET /send_message?body=${'z'.repeat(200 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(res.status, 431);
    assert.match((JSON.parse(res.body) as { message: string }).message, /POST/);
  });

  test('health: /livez and /readyz answer 200 once the store is migrated', async () => {
    assert.equal((await fetch(`${svc.url}/livez`)).status, 200);
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
  });
});
