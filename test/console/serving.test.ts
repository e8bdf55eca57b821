/**
 * The console is served wherever the admin API is: on the admin listener when `server.adminPort` is
 * set (and then not on the main port), else on the main port; the built files with their types, a
 * long cache for hashed assets, none for the page, and a strict Content-Security-Policy under which
 * the page still runs in a real browser without asking any other host for anything.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { CONSOLE_CSP, registerConsole } from '../../src/http/console.routes.js';
import { adminCall, adminToken } from '../helpers/admin.js';
import { newPage } from '../helpers/browser.js';
import { startTestService } from '../helpers/service.js';

const SECRET = 'Tb5ecretCarrierKey0123456789';
const service = await startTestService({
  server: { adminPort: 0 },
  carriers: [
    {
      name: 'acme',
      type: 'twilio',
      accountSid: 'AC0123456789abcdef0123456789abcdef',
      authToken: SECRET,
    },
  ],
});
after(() => service.close());
const admin = service.adminUrl!;
const token = await adminToken(service.config, 'ops');

test('the admin listener serves the console page uncached with a strict Content-Security-Policy', async () => {
  const res = await fetch(`${admin}/console/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP);
  assert.match(CONSOLE_CSP, /default-src 'self'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const html = await res.text();
  assert.doesNotMatch(html, /<script>|<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /https?:\/\//, 'no outside host');
  const bare = await fetch(`${admin}/console`);
  assert.equal(bare.status, 200, '/console without the slash is the page too');
});

test('hashed scripts and styles are served with their types and cached as immutable', async () => {
  const html = await (await fetch(`${admin}/console/`)).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html);
  for (const a of assets) {
    const res = await fetch(`${admin}${a}`);
    assert.equal(res.status, 200, a);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(res.headers.get('content-type')!, a.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
  }
  assert.equal((await fetch(`${admin}/console/assets/nothing.js`)).status, 404);
});

test('the main port does not serve the console when the admin listener is configured', async () => {
  assert.equal((await fetch(`${service.url}/console/`)).status, 404);
});

test('without a build the console route says how to make one', async () => {
  const app = Fastify();
  registerConsole(app, '/nonexistent/console');
  const res = await app.inject({ url: '/console/' });
  assert.equal(res.statusCode, 404);
  assert.match(res.json().message, /npm run build/);
  await app.close();
});

test('the settings route shows the effective configuration with secrets masked', async () => {
  const r = await adminCall(admin, token, 'GET', '/config');
  assert.equal(r.status, 200);
  assert.ok(!r.text.includes(SECRET), 'the carrier secret is masked');
  assert.equal(r.body.config.carriers[0].authToken, '********');
  assert.equal((await adminCall(admin, undefined, 'GET', '/config')).status, 401);
  const me = await adminCall(admin, token, 'GET', '/whoami');
  assert.deepEqual(me.body, { name: 'ops', readOnly: false });
});

test('the page runs under its policy in Chromium and asks no other host for anything', async () => {
  const page = await newPage();
  const hosts = new Set<string>();
  page.on('request', (req) => hosts.add(new URL(req.url()).host));
  await page.goto(`${admin}/console/`);
  await page.getByLabel('Admin token').waitFor();
  assert.deepEqual([...hosts], [new URL(admin).host]);
  assert.deepEqual(page.problems, [], 'no script error, no policy violation');
});
