/**
 * The admin API's bulk import over real HTTP: CSV or JSON lines uploaded, each account created or
 * updated by username, a report line per input line and a summary; the same file twice changes nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { after, test } from 'node:test';
import { adminCall, adminToken } from '../helpers/admin.js';
import { sendGet } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const service = await startTestService();
after(() => service.close());
const token = await adminToken(service.config, 'ops');
/** POST the file and read the JSON-lines report. */
async function importFile(type: string, body: string, query = '') {
  const res = await fetch(`${service.url}/admin/v1/accounts/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body,
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
  const lines = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines: lines.slice(0, -1), summary: lines.at(-1)!['summary'] };
}
/** textbridge's own stored form, as the docs show how to make it. */
const ownHash = (pw: string) => {
  const salt = randomBytes(16);
  return `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(pw, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
};
const logsIn = async (username: string, pw: string) =>
  (await sendGet(service.url, { username, password: pw }, '/fetch_messages')).status === 200;

test('a JSON-lines upload reports every line: created, or the reason it was refused', async () => {
  const file = [
    JSON.stringify({
      username: 'imp-a',
      scrypt: ownHash(password('imp-a')),
      numbers: ['+15552220001'],
      credit: 3,
    }),
    JSON.stringify({ username: 'imp-b', password: password('imp-b'), region: 'GB' }),
    '',
    'not json',
    JSON.stringify({ username: 'imp-c', scrypt: ownHash(password('imp-c')), region: 'ZZ' }),
    JSON.stringify({ username: 'imp-d', scrypt: ownHash(password('imp-d')), numbers: ['+15552220001'] }),
  ].join('\n');
  const { lines, summary } = await importFile('application/x-ndjson', file);
  assert.deepEqual(lines, [
    { line: 1, username: 'imp-a', result: 'created' },
    { line: 2, username: 'imp-b', result: 'created' },
    { line: 4, result: 'error', reason: 'not a JSON object' },
    { line: 5, username: 'imp-c', result: 'error', reason: 'unknown region ZZ' },
    { line: 6, username: 'imp-d', result: 'error', reason: 'number +15552220001 belongs to imp-a' },
  ]);
  assert.deepEqual(summary, { created: 2, updated: 0, errors: 3 });
  assert.ok(await logsIn('imp-a', password('imp-a')));
  assert.ok(await logsIn('imp-b', password('imp-b')));
  const a = await adminCall(service.url, token, 'GET', '/accounts/imp-a');
  assert.deepEqual(a.body, { username: 'imp-a', region: 'US', numbers: ['+15552220001'], credit: 3 });
});

test('a CSV upload updates by username, and the same file imported twice leaves the same accounts', async () => {
  const hash = ownHash(password('csv-a'));
  const csv = [
    'username,scrypt,numbers,region,credit',
    `csv-a,"${hash}",+15553330001;+15553330002,US,1.5`,
    `csv-b,"${hash}",,GB,`,
  ].join('\r\n');
  const first = await importFile('text/csv', csv);
  assert.deepEqual(first.summary, { created: 2, updated: 0, errors: 0 });
  const second = await importFile('text/csv', csv);
  assert.deepEqual(second.summary, { created: 0, updated: 2, errors: 0 });
  const a = await adminCall(service.url, token, 'GET', '/accounts/csv-a');
  assert.deepEqual(a.body, {
    username: 'csv-a',
    region: 'US',
    numbers: ['+15553330001', '+15553330002'],
    credit: 1.5,
  });
  const changed = await importFile(
    'text/csv',
    `username,scrypt,numbers,credit\ncsv-a,"${ownHash(password('csv-a2'))}",+15553330003,unlimited\n`,
  );
  assert.deepEqual(changed.lines, [{ line: 2, username: 'csv-a', result: 'updated' }]);
  const after = await adminCall(service.url, token, 'GET', '/accounts/csv-a');
  assert.deepEqual([after.body.numbers, after.body.credit], [['+15553330003'], null]);
  assert.ok(await logsIn('csv-a', password('csv-a2')));
});

test('an upload over several batches is imported whole, each line reported once', async () => {
  const hash = ownHash(password('bulk'));
  const n = 1234;
  const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ username: `bulk-${i}`, scrypt: hash }));
  const { lines, summary } = await importFile('application/x-ndjson', `${rows.join('\n')}\n`);
  assert.deepEqual(summary, { created: n, updated: 0, errors: 0 });
  assert.deepEqual(
    lines.map((l) => l['line']),
    Array.from({ length: n }, (_, i) => i + 1),
  );
  assert.ok(await logsIn('bulk-1233', password('bulk')));
});

test('an upload of another content type is refused with 415; a read-only token with 403', async () => {
  const json = await adminCall(service.url, token, 'POST', '/accounts/import', {});
  assert.equal(json.status, 415);
  assert.match(json.body.message, /text\/csv/);
  const viewer = await adminToken(service.config, 'viewer', true);
  const res = await fetch(`${service.url}/admin/v1/accounts/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${viewer}`, 'content-type': 'text/csv' },
    body: 'username,password\nro,x\n',
  });
  assert.equal(res.status, 403);
});
