/** Send Message under non-default configuration, and the answer to an unexpected failure. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sendJson } from '../helpers/http.js';
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
