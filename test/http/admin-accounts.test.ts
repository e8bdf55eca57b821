/**
 * The admin API's accounts over real HTTP and a real store (SQLite, or PostgreSQL in the second run):
 * create, read, page, change, credit and delete, with the same rules as `textbridge account …`.
 */
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { after, test } from 'node:test';
import { adminCall, adminToken } from '../helpers/admin.js';
import { sendGet } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const service = await startTestService();
after(() => service.close());
const token = await adminToken(service.config, 'ops');
const call = (method: string, path: string, body?: unknown) =>
  adminCall(service.url, token, method, path, body);
/** Whether a login with this password is accepted by the app's own Fetch Messages. */
const logsIn = async (username: string, pw: string) =>
  (await sendGet(service.url, { username, password: pw }, '/fetch_messages')).status === 200;

test('an account made with a password, or with an scrypt hash, logs in; the same name twice is 409', async () => {
  const made = await call('POST', '/accounts', {
    username: 'alice',
    password: password('alice'),
    numbers: ['(555) 123-0001', '201'],
    credit: '2.5',
    displayName: 'Alice A.',
  });
  assert.equal(made.status, 201, made.text);
  assert.deepEqual(made.body, {
    username: 'alice',
    region: 'US',
    numbers: ['+15551230001', '201'],
    credit: 2.5,
    displayName: 'Alice A.',
  });
  assert.ok(await logsIn('alice', password('alice')));
  const salt = Buffer.from('0123456789abcdef');
  const hash = scryptSync(password('bob'), salt, 32, { N: 16384, r: 8, p: 1 });
  const scrypt = `$scrypt$ln=14,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${hash.toString('base64').replace(/=+$/, '')}`;
  const hashed = await call('POST', '/accounts', { username: 'bob', scrypt, region: 'gb' });
  assert.equal(hashed.status, 201, hashed.text);
  assert.equal(hashed.body.credit, null);
  assert.ok(await logsIn('bob', password('bob')));
  const twice = await call('POST', '/accounts', { username: 'alice', password: password('alice') });
  assert.equal(twice.status, 409);
  assert.match(twice.body.message, /already exists/);
});

test('a body that does not fit the schema, or breaks a rule, is refused with 400 and a message', async () => {
  const extra = await call('POST', '/accounts', { username: 'x1', password: password('x'), colour: 'red' });
  assert.equal(extra.status, 400);
  assert.match(extra.body.message, /Invalid request/);
  const region = await call('POST', '/accounts', { username: 'x2', password: password('x'), region: 'ZZ' });
  assert.equal(region.status, 400);
  assert.match(region.body.message, /Unknown region/);
  const both = await call('POST', '/accounts', { username: 'x3', password: password('x'), bcrypt: '$2b$x' });
  assert.equal(both.status, 400);
  const notJson = await call('POST', '/accounts', '{"username":');
  assert.equal(notJson.status, 400);
  assert.equal((await call('GET', '/accounts/x1')).status, 404);
});

test('the list is paged by cursor and filtered by username prefix and by number', async () => {
  for (const u of ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pgx']) {
    const r = await call('POST', '/accounts', {
      username: u,
      password: password(u),
      numbers: u === 'pg-c' ? ['+15551239999'] : [],
    });
    assert.equal(r.status, 201, r.text);
  }
  const seen: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 5; i++) {
    const q = new URLSearchParams({ prefix: 'pg-', limit: '3', ...(after ? { after } : {}) });
    const page = await call('GET', `/accounts?${q}`);
    assert.equal(page.status, 200, page.text);
    seen.push(...page.body.accounts.map((a: { username: string }) => a.username));
    after = page.body.next;
    if (!after) break;
  }
  assert.deepEqual(seen, ['pg-a', 'pg-b', 'pg-c', 'pg-d']);
  const byNumber = await call('GET', `/accounts?number=${encodeURIComponent('+1 555 123 9999')}`);
  assert.deepEqual(
    byNumber.body.accounts.map((a: { username: string }) => a.username),
    ['pg-c'],
  );
  assert.equal((await call('GET', '/accounts?limit=0')).status, 400);
});

test('an update changes password, region, profile and numbers together, or nothing when one is wrong', async () => {
  await call('POST', '/accounts', {
    username: 'carol',
    password: password('carol'),
    numbers: ['+15551230101'],
  });
  await call('POST', '/accounts', {
    username: 'dave',
    password: password('dave'),
    numbers: ['+15551230202'],
  });
  const taken = await call('PATCH', '/accounts/carol', { region: 'GB', addNumbers: ['+15551230202'] });
  assert.equal(taken.status, 409);
  assert.equal((await call('GET', '/accounts/carol')).body.region, 'US');
  const changed = await call('PATCH', '/accounts/carol', {
    password: password('carol-2'),
    region: 'GB',
    displayName: 'Carol C.',
    group: 'sales',
    addNumbers: ['020 7946 0000'],
    removeNumbers: ['+15551230101'],
  });
  assert.equal(changed.status, 200, changed.text);
  assert.deepEqual(changed.body, {
    username: 'carol',
    region: 'GB',
    numbers: ['+442079460000'],
    credit: null,
    displayName: 'Carol C.',
    group: 'sales',
  });
  assert.ok(await logsIn('carol', password('carol-2')));
  assert.ok(!(await logsIn('carol', password('carol'))));
  assert.equal((await call('PATCH', '/accounts/nobody', { region: 'GB' })).status, 404);
});

test('credit follows the CLI rules: a delta, a set, unlimited, and no balance below zero', async () => {
  await call('POST', '/accounts', { username: 'erin', password: password('erin'), credit: '1' });
  assert.equal((await call('POST', '/accounts/erin/credit', { delta: '2.5' })).body.credit, 3.5);
  const below = await call('POST', '/accounts/erin/credit', { delta: -4 });
  assert.equal(below.status, 400);
  assert.match(below.body.message, /must not go negative/);
  assert.equal((await call('POST', '/accounts/erin/credit', { set: 10 })).body.credit, 10);
  assert.equal((await call('POST', '/accounts/erin/credit', { set: 'unlimited' })).body.credit, null);
  assert.equal((await call('POST', '/accounts/erin/credit', { delta: '1', set: '1' })).status, 400);
  assert.equal((await call('POST', '/accounts/erin/credit', {})).status, 400);
});

test('delete removes the account (purge=true also its media); a second delete is 404', async () => {
  await call('POST', '/accounts', { username: 'frank', password: password('frank') });
  const gone = await call('DELETE', '/accounts/frank?purge=true');
  assert.equal(gone.status, 200, gone.text);
  assert.deepEqual(gone.body, { username: 'frank', removed: true, mediaDeleted: 0, messagesDeleted: 0 });
  assert.equal((await call('GET', '/accounts/frank')).status, 404);
  assert.equal((await call('DELETE', '/accounts/frank')).status, 404);
  assert.ok(!(await logsIn('frank', password('frank'))));
});
