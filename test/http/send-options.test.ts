/** Send Message under non-default configuration, and the answer to an unexpected failure. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendGet, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const PW = password('options');
const LOG_ROUTE = { carriers: [{ name: 'log', type: 'log' }], routes: [{ carrier: 'log' }] };

test('short codes are off-net recipients only when configuration allows them', async () => {
  for (const allow of [false, true]) {
    const svc = await startTestService({ ...LOG_ROUTE, recipients: { allowShortCodes: allow } });
    try {
      await svc.admin.add({ username: 'sc', password: PW, numbers: ['+15550000301'], region: 'US' });
      const res = await sendJson(svc.url, { from: 'sc', password: PW, to: '72345', body: 'STOP' });
      if (allow) {
        assert.equal(res.status, 200, res.text);
        const [m] = await svc.admin.messages({ username: 'sc', limit: 1 });
        assert.equal(m?.to, '72345');
      } else {
        assert.equal(res.status, 406);
        assert.deepEqual(res.json(), { message: 'Invalid recipient' });
      }
    } finally {
      await svc.close();
    }
  }
});

test('errorFormat "xml" answers every error as <response><message>, whatever Accept says', async () => {
  const svc = await startTestService({ errorFormat: 'xml' });
  try {
    const res = await sendJson(svc.url, { from: 'nobody', password: PW, to: '+15550000302', body: 'x' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /text\/xml/);
    assert.match(res.text, /<response><message>Wrong username or password<\/message><\/response>/);
  } finally {
    await svc.close();
  }
});

test('an unexpected failure is a 500 whose message tells nothing of the internals', async () => {
  const svc = await startTestService();
  await svc.admin.add({ username: 'err', password: PW, numbers: ['+15550000303'], region: 'US' });
  // The store goes away under the running server: every statement now throws.
  await svc.db.close();
  try {
    const res = await sendJson(svc.url, { from: 'err', password: PW, to: '+15550000304', body: 'x' });
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { message: 'Internal error, please try again later' });
  } finally {
    // The store is already closed: closing it again may fail, the rest (server, worker) must still stop.
    await svc.close().catch(() => {});
  }
});

test('at log level info every request gets one access line, with the path and never the query string', async () => {
  const svc = await startTestService();
  try {
    const res = await sendGet(svc.url, { from: 'nobody', password: PW, to: '+15550000303', body: 'x' });
    assert.equal(res.status, 401);
    // The log is a file stream: give it a moment to reach the disk.
    let lines: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && lines.length === 0; i++) {
      await sleep(20);
      lines = readFileSync(svc.logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l['msg'] === 'request');
    }
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['path'], '/send_message');
    assert.equal(lines[0]?.['status'], 401);
    assert.equal(lines[0]?.['method'], 'GET');
  } finally {
    await svc.close();
  }
});
