import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { makeLogger } from '../../src/main/index.js';
import { callOk, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

// Logs that join up: the load balancer's X-Request-Id (or one of ours) on the answer and on the
// request's log line, with the account and the sms_id; phone numbers masked in every line.
const ALICE_PW = password('alice');
let svc: TestService;

before(async () => {
  svc = await startTestService({ carriers: [{ name: 'log', type: 'log' }], routes: [{ carrier: 'log' }] });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
});
after(async () => {
  await svc.close();
});

type Line = Record<string, unknown>;
/** The service's log lines so far that pass `pred`, waiting up to 3 s for at least one. */
async function linesWhere(pred: (l: Line) => boolean): Promise<Line[]> {
  const end = Date.now() + 3000;
  for (;;) {
    const lines = readFileSync(svc.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line)
      .filter(pred);
    if (lines.length > 0 || Date.now() > end) return lines;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An id of ours: the process's random prefix and a counter. */
const OURS = /^tb-[0-9a-f]{12}-[0-9a-z]+$/;

test("the load balancer's X-Request-Id comes back on the answer and sits on the request's log line with the account and sms_id", async () => {
  const res = await fetch(`${svc.url}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'lb-7f3a 42' },
    body: JSON.stringify({ from: 'alice', password: ALICE_PW, to: '+442071838750', body: 'hello' }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-request-id'), 'lb-7f3a 42');
  const { sms_id: smsId } = (await res.json()) as { sms_id: string };
  const [line] = await linesWhere((l) => l['requestId'] === 'lb-7f3a 42' && l['msg'] === 'request');
  assert.ok(line, 'the request line carries the request id');
  assert.equal(line['account'], 'alice');
  assert.equal(String(line['smsId']), smsId);
  assert.equal(line['path'], '/send_message');
});

test('a request without an acceptable X-Request-Id gets a new one, on the answer and in the log', async () => {
  const seen = new Set<string>();
  for (const headers of [{}, { 'x-request-id': 'x'.repeat(129) }, { 'x-request-id': 'caf\u00e9' }]) {
    const res = await fetch(`${svc.url}/livez`, { headers });
    const id = res.headers.get('x-request-id') ?? '';
    assert.match(id, OURS);
    assert.ok(!seen.has(id), 'each request gets its own');
    seen.add(id);
    const lines = await linesWhere((l) => l['requestId'] === id);
    assert.equal(lines.length, 1);
  }
});

test('a refused login leaves no account on its log line, and errors carry the request id too', async () => {
  const res = await sendJson(svc.url, { from: 'alice', password: 'wrong', to: '+15550000001', body: 'x' });
  assert.equal(res.status, 401);
  const id = res.headers.get('x-request-id') ?? '';
  assert.match(id, OURS);
  const [line] = await linesWhere((l) => l['requestId'] === id);
  assert.equal(line?.['status'], 401);
  assert.equal(line?.['account'], undefined);
});

test('phone numbers in log lines show only their first four characters and last four digits', async () => {
  await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+442079460018',
    body: 'x',
  });
  const [sent] = await linesWhere((l) => typeof l['to'] === 'string' && String(l['to']).endsWith('0018'));
  assert.equal(sent?.['to'], '+442***0018');
  assert.equal(sent?.['from'], '+155***0001');
  await fetch(`${svc.url}/no/such/+15557654321`);
  const [notFound] = await linesWhere((l) => l['status'] === 404);
  assert.equal(notFound?.['path'], '/no/such/+155***4321');
  assert.ok(!readFileSync(svc.logFile, 'utf8').match(/\+\d{8,}/), 'no whole number anywhere in the log');
});

test('log.showNumbers writes numbers whole, as a debugging aid', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  makeLogger({ log: { level: 'info', showNumbers: true } }, sink).info({ to: '+15551231234' }, 'x');
  makeLogger({ log: { level: 'info', showNumbers: false } }, sink).info({ to: '+15551231234' }, 'x');
  assert.match(lines[0] ?? '', /"to":"\+15551231234"/);
  assert.match(lines[1] ?? '', /"to":"\+155\*\*\*1234"/);
});
