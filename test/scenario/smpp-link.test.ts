import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startFakeSmsc } from '../helpers/fake-smsc.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

// An SMSC that refuses our bind at start (a wrong password in one carrier's entry, or an account the
// SMSC has not enabled yet) must not take the server down: on-net messaging, Fetch and the health
// endpoints work, off-net messages wait in the outbox, and once the SMSC accepts the bind they leave.
const ALICE_PW = password('alice');
const BOB_PW = password('bob');

test('while the SMSC refuses the bind the service serves on-net sends, and delivers the queued ones once bound', async () => {
  const smsc = await startFakeSmsc();
  smsc.refuseBind = 0x0e; // ESME_RINVPASWD
  const svc = await startTestService({
    carriers: [smsc.carrier({ reconnect: { minMs: 20, maxMs: 50, refusedMinMs: 100, refusedMaxMs: 200 } })],
    routes: [{ carrier: 'smsc' }],
    delivery: { pollMs: 20, waitMs: 200, backoff: { baseMs: 50, maxMs: 100 } },
  });
  try {
    await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
    await svc.admin.add({ username: 'bob', password: BOB_PW, numbers: ['+15550000002'], region: 'US' });

    assert.equal((await fetch(`${svc.url}/livez`)).status, 200);
    const ready = await fetch(`${svc.url}/readyz?verbose`);
    assert.equal(ready.status, 200, 'an SMSC link does not decide readiness');
    assert.deepEqual(((await ready.json()) as { carriers: unknown }).carriers, [
      { name: 'smsc', link: 'down' },
    ]);

    // On-net: stored for bob at once, whatever the SMSC does.
    await callOk(svc.url, '/send_message', { from: 'alice', password: ALICE_PW, to: 'bob', body: 'on-net' });
    const fetched = await callOk(svc.url, '/fetch_messages', { username: 'bob', password: BOB_PW });
    assert.deepEqual(
      fetched.received_smss.map((m) => m['sms_text']),
      ['on-net'],
    );

    // Off-net: accepted and queued while the link is down.
    const { sms_id: smsId } = await callOk(svc.url, '/send_message', {
      from: 'alice',
      password: ALICE_PW,
      to: '+442071838750',
      body: 'waits for the bind',
    });
    const status = async () =>
      (
        await svc.db.kysely
          .selectFrom('messages')
          .select(['status', 'last_error'])
          .where('id', '=', Number(smsId))
          .executeTakeFirstOrThrow()
      ).status;
    assert.equal(await status(), 'queued');
    assert.equal(smsc.submits.length, 0);

    smsc.refuseBind = undefined; // the SMSC's operator enables the account
    await smsc.waitFor(() => smsc.binds >= 1, 5_000);
    await smsc.waitFor(() => smsc.submits.length === 1, 5_000);
    await smsc.waitFor(() => smsc.submits[0]!.messageId !== '');
    const until = Date.now() + 5_000;
    while ((await status()) !== 'sent' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await status(), 'sent');

    const log = readFileSync(svc.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const downs = log.filter((l) => String(l['msg']).startsWith('SMPP link down'));
    assert.equal(downs.length, 1, 'one line while refused, however many attempts');
    assert.equal(downs[0]!['level'], 40);
    assert.equal(downs[0]!['cause'], 'bind refused: ESME_RINVPASWD (0x0000000E)');
    assert.equal(downs[0]!['smsc'], `127.0.0.1:${smsc.port}`);
    assert.equal(log.filter((l) => l['msg'] === 'SMPP link up').length, 1);
  } finally {
    await svc.close();
    await smsc.close();
  }
});

test('an SMSC unreachable at start: the service starts and its log says the link is down, and why', async () => {
  const gone = await startFakeSmsc();
  await gone.close();
  const svc = await startTestService({
    carriers: [gone.carrier({ reconnect: { minMs: 20, maxMs: 50 } })],
    routes: [{ carrier: 'smsc' }],
  });
  try {
    assert.equal((await fetch(`${svc.url}/livez`)).status, 200);
    const ready = await fetch(`${svc.url}/readyz?verbose`);
    assert.deepEqual(((await ready.json()) as { carriers: unknown }).carriers, [
      { name: 'smsc', link: 'connecting' },
    ]);
    await new Promise((r) => setTimeout(r, 200)); // several attempts fail meanwhile
    const downs = readFileSync(svc.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => String(l['msg']).startsWith('SMPP link down'));
    assert.equal(downs.length, 1, 'one line, not one per attempt');
    assert.equal(downs[0]!['level'], 40);
    assert.equal(downs[0]!['smsc'], `127.0.0.1:${gone.port}`);
    assert.match(String(downs[0]!['cause']), /ECONNREFUSED/);
  } finally {
    await svc.close();
  }
});
