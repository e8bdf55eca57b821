/**
 * `auth.external` over real HTTP: the provider's endpoint is a loopback server (plain http, allowed
 * with `allowHttp`), textbridge a real service on SQLite or PostgreSQL.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

type Mode = 'yes' | 'no' | 'down' | 'hang';
let mode: Mode = 'yes';
let balance = '7.5';
let numbers = ['020 7183 8750', '301'];
let displayName = 'Quinn Example';
const calls: { username: string; password: string }[] = [];
let endpoint: Server;
let svc: TestService;
const TTL = 1500;

before(async () => {
  endpoint = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const q = JSON.parse(body) as { user: string; pass: string };
      calls.push({ username: q.user, password: q.pass });
      if (mode === 'hang') return; // never answers: the timeout decides
      if (mode === 'down') return res.writeHead(503).end('maintenance');
      if (mode === 'no')
        return res.writeHead(401, { 'content-type': 'application/json' }).end('{"ok":false}');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: true,
          user: { numbers, region: 'gb', balance, name: displayName },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const port = (endpoint.address() as AddressInfo).port;
  svc = await startTestService({
    push: { enabled: false },
    auth: {
      cacheTtlMs: TTL,
      maxFailures: 3,
      external: {
        url: `http://127.0.0.1:${port}/verify?src=textbridge`,
        allowHttp: true,
        body: '{"user": "%username%", "pass": "%password%"}',
        timeoutMs: 500,
        fields: {
          numbers: 'user.numbers',
          region: 'user.region',
          credit: 'user.balance',
          displayName: 'user.name',
        },
      },
    },
  });
  await svc.admin.add({
    username: 'tess',
    password: password('tess'),
    numbers: ['+15550000061'],
    region: 'US',
  });
});
after(async () => {
  await svc?.close();
  endpoint?.close();
});

async function send(from: string, pw: string): Promise<string> {
  const res = await fetch(`${svc.url}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, password: pw, to: '+15550000061', body: 'hi' }),
  });
  return `${res.status} ${await res.text()}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a first login the endpoint confirms creates the account with the numbers, region and credit it gave', async () => {
  mode = 'yes';
  calls.length = 0;
  assert.match(await send('quinn', password('quinn')), /^200 \{"sms_id":/);
  assert.deepEqual(
    calls,
    [{ username: 'quinn', password: password('quinn') }],
    'JSON-escaped, read back exactly',
  );
  const quinn = await svc.admin.find('quinn');
  assert.deepEqual(quinn, {
    username: 'quinn',
    region: 'GB',
    numbers: ['+442071838750', '301'],
    credit: 7.5,
    displayName: 'Quinn Example',
  });
  assert.match(await send('quinn', password('quinn')), /^200 /);
  assert.equal(calls.length, 1, 'the second request is a cached login');
});

test('a later confirmed login, once the cached one has expired, brings the account up to date', async () => {
  mode = 'yes';
  balance = '9.25';
  numbers = ['+442071838751', '301'];
  displayName = 'Quinn Q. Example';
  await sleep(TTL + 200);
  assert.match(await send('quinn', password('quinn')), /^200 /);
  const quinn = await svc.admin.find('quinn');
  assert.equal(quinn?.credit, 9.25);
  assert.deepEqual(quinn?.numbers, ['+442071838751', '301']);
  assert.equal(quinn?.displayName, 'Quinn Q. Example', 'the directory name follows the endpoint');
  balance = '7.5';
  displayName = 'Quinn Example';
  numbers = ['020 7183 8750', '301'];
});

test('a burst of first requests from one phone asks the endpoint once and creates one account', async () => {
  mode = 'yes';
  calls.length = 0;
  const answers = await Promise.all(Array.from({ length: 6 }, () => send('wes', password('wes'))));
  for (const a of answers) assert.match(a, /^200 /);
  assert.equal(calls.length, 1);
  assert.equal((await svc.admin.list()).filter((a) => a.username === 'wes').length, 1);
});

test('while the endpoint answers no, a login is refused with 401 and failures are throttled', async () => {
  mode = 'no';
  assert.match(await send('rosa', password('rosa')), /^401 /);
  assert.match(await send('quinn', password('quinn-wrong')), /^401 /);
  assert.equal(await svc.admin.find('rosa'), undefined);
  assert.match(await send('rosa', password('rosa')), /^401 /);
  assert.match(await send('rosa', password('rosa')), /^401 /);
  assert.match(await send('rosa', password('rosa')), /^429 /);
});

test('with the endpoint down a cached login still works, and a login it never confirmed gets a clear 503', async () => {
  mode = 'yes';
  assert.match(await send('uma', password('uma')), /^200 /);
  for (const down of ['down', 'hang'] as const) {
    mode = down;
    assert.match(await send('uma', password('uma')), /^200 /, `${down}: within the cache period`);
    await sleep(TTL + 200);
    assert.match(await send('uma', password('uma')), /^200 /, `${down}: past it, within staleMs`);
    const stranger = await send('vic', password('vic'));
    assert.match(stranger, /^503 /, down);
    assert.match(stranger, /Cannot verify your password right now/);
    assert.match(
      await send('uma', password('uma-other')),
      /^503 /,
      `${down}: another password is not let in`,
    );
  }
  assert.equal(await svc.admin.find('vic'), undefined);
});

test('a local account is checked locally only: the endpoint is never asked about it', async () => {
  mode = 'yes';
  calls.length = 0;
  assert.match(await send('tess', password('tess')), /^200 /);
  assert.match(await send('tess', password('tess-wrong')), /^401 /);
  assert.deepEqual(calls, []);
});

test('auth.external refuses a plain http URL unless allowHttp is set', () => {
  assert.throws(
    () => buildConfig({ auth: { external: { url: 'http://auth.example.com/check' } } }),
    /auth\.external\.url must start with https:\/\//,
  );
  assert.doesNotThrow(() => buildConfig({ auth: { external: { url: 'https://auth.example.com/check' } } }));
});
