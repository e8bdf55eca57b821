import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('bad-input');

before(async () => {
  svc = await startTestService({ push: { enabled: false } });
  await svc.admin.add({ username: 'erin', password: PW, numbers: ['+15550000020'], region: 'US' });
  await svc.admin.add({ username: 'frank', password: PW, numbers: ['+15550000021'], region: 'US' });
});
after(() => svc.close());

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(svc.url + path, { method: 'POST', body, headers });
  const text = await res.text();
  let message: unknown;
  try {
    message = (JSON.parse(text) as { message?: unknown }).message;
  } catch {}
  return { status: res.status, text, message };
}

const json = { 'content-type': 'application/json' };
const good = { from: 'erin', password: PW, to: '+15550000021', body: 'hi', selector: 'AAAA:01' };
const routes = ['/send_message', '/fetch_messages', '/push_token', '/account_removal'];
const fields = [
  'from',
  'password',
  'to',
  'body',
  'content_type',
  'disposition_notification',
  'selector',
  'pushToken',
];

test('a NUL or an unpaired surrogate in any field of any app route is refused with 400 and a message', async () => {
  for (const route of routes) {
    for (const field of fields) {
      for (const bad of ['x\u0000', 'A\ud800B', '\udc00']) {
        const r = await post(route, JSON.stringify({ ...good, [field]: bad }), json);
        assert.equal(r.status, 400, `${route} ${field} ${JSON.stringify(bad)}: ${r.text}`);
        assert.match(String(r.message), new RegExp(`"${field.toLowerCase()}".*not allowed`), r.text);
      }
    }
    // The same through the query string, as a GET template sends it (the user does not exist).
    const q = await fetch(`${svc.url}${route}?from=ghost%00&password=x`);
    assert.equal(q.status, 400, route);
  }
});

test('a surrogate pair (an emoji) is still accepted', async () => {
  const r = await post('/send_message', JSON.stringify({ ...good, body: 'hi \ud83d\ude00' }), json);
  assert.equal(r.status, 200, r.text);
});

test('deeply nested JSON is refused with 400 and a message, and no error is logged for it', async () => {
  for (const n of [5000, 200000]) {
    const body = `{"from":"erin","a":${'['.repeat(n)}${']'.repeat(n)}}`;
    const r = await post('/send_message', body, json);
    assert.equal(r.status, 400, r.text);
    assert.match(String(r.message), /nested too deeply/);
  }
  const errors = readFileSync(svc.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"level":50') || l.includes('"level":"error"'));
  assert.deepEqual(errors, []);
});

test('a Content-Type that is not type/subtype does not stop the body from being sniffed', async () => {
  const form = new URLSearchParams({ ...good, body: 'sniffed' }).toString();
  for (const ct of ['', '; charset=utf-8', 'utf-8', 'text/', '/', 'text/plain']) {
    const r = await post('/send_message', form, { 'content-type': ct });
    assert.equal(r.status, 200, `${JSON.stringify(ct)}: ${r.text}`);
    const j = await post('/send_message', JSON.stringify(good), { 'content-type': ct });
    assert.equal(j.status, 200, `${JSON.stringify(ct)} JSON: ${r.text}`);
  }
});

test('the body wins over the query for every alias of the password', async () => {
  for (const alias of ['password', 'pass', 'cloud_password']) {
    const body = JSON.stringify({ from: 'erin', [alias]: PW, to: '+15550000021', body: 'hi' });
    const r = await post('/send_message?password=wrong', body, json);
    assert.equal(r.status, 200, `${alias}: ${r.text}`);
    const wrong = JSON.stringify({ from: 'erin', [alias]: 'wrong', to: '+15550000021', body: 'hi' });
    const w = await post(`/send_message?password=${encodeURIComponent(PW)}`, wrong, json);
    assert.equal(w.status, 401, `${alias}: ${w.text}`);
  }
});

/** Send `request` as raw bytes on a new connection; what came back before the server closed it. */
function raw(request: string): Promise<{ status: number | undefined; message: unknown; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(svc.url).port), '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('utf8');
    });
    socket.on('error', () => {});
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1]) || undefined;
      let message: unknown;
      try {
        message = (JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { message?: unknown }).message;
      } catch {}
      resolve({ status, message, text });
    };
    const timer = setTimeout(done, 2000);
    socket.on('close', done);
  });
}

test('a path the router refuses, an unknown Expect and a CONNECT each get a status and a message', async () => {
  const longName = await raw(
    `GET /inbound/${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  );
  assert.equal(longName.status, 414, longName.text.slice(0, 200));
  assert.equal(longName.message, 'Request URL is too long');
  assert.ok(longName.text.length < 1000, 'the answer echoes the path back');

  const expect = await raw(
    'POST /send_message HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Length: 2\r\n\r\n{}',
  );
  assert.equal(expect.status, 417, expect.text);
  assert.match(String(expect.message), /Expect/);

  const connect = await raw('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
  assert.equal(connect.status, 405, connect.text);
  assert.match(String(connect.message), /CONNECT/);
});
