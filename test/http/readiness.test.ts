import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startFakeSmsc } from '../helpers/fake-smsc.js';
import { startTestService } from '../helpers/service.js';

// /readyz is what a load balancer asks before it sends an instance traffic: it must say no when the
// store cannot answer, and `?verbose` tells a person why, with each carrier's link.

test('/readyz answers 200 while the store answers, and 503 with a message once it does not', async () => {
  const svc = await startTestService();
  try {
    const ok = await fetch(`${svc.url}/readyz`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: 'ready' });
    await svc.db.close(); // the store is gone: every query now fails
    const down = await fetch(`${svc.url}/readyz`);
    assert.equal(down.status, 503);
    const body = (await down.json()) as { message: string };
    assert.match(body.message, /^Not ready: the store fails \(/);
  } finally {
    await svc.app.close();
    await svc.delivery.close().catch(() => {});
  }
});

test('/readyz?verbose lists the store and each carrier with the state of its link', async () => {
  const smsc = await startFakeSmsc();
  const svc = await startTestService({
    carriers: [smsc.carrier({ reconnect: { minMs: 50, maxMs: 100 } }), { name: 'demo', type: 'log' }],
    routes: [{ carrier: 'smsc' }],
  });
  try {
    const res = await fetch(`${svc.url}/readyz?verbose`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      status: 'ready',
      version: JSON.parse(readFileSync('package.json', 'utf8')).version,
      store: { ok: true },
      carriers: [
        { name: 'smsc', link: 'up' },
        { name: 'demo', link: 'none' },
      ],
    });
    await smsc.close(); // the SMSC goes away: the link is retried, the instance stays ready
    await waitUntil(async () => {
      const r = (await (await fetch(`${svc.url}/readyz?verbose`)).json()) as { carriers: { link: string }[] };
      return r.carriers[0]?.link === 'connecting';
    });
    assert.equal((await fetch(`${svc.url}/readyz`)).status, 200);
  } finally {
    await svc.close();
    await smsc.close().catch(() => {});
  }
});

async function waitUntil(pred: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
