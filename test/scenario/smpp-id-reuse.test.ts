import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startFakeSmsc } from '../helpers/fake-smsc.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

// An SMSC that restarts counts its message ids from 1 again: a new message gets the id an old one had.
// Its receipt must reach the new message (the most recent submission with that id), not the old one,
// and the log says the id was ambiguous.
const ALICE_PW = password('alice');

test('after an SMSC restart reuses a message id, its receipt updates the newer message and the log says so', async () => {
  let smsc = await startFakeSmsc();
  const port = smsc.port;
  const svc = await startTestService({
    carriers: [smsc.carrier({ reconnect: { minMs: 20, maxMs: 50 } })],
    routes: [{ carrier: 'smsc' }],
    delivery: { pollMs: 20 },
  });
  try {
    await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
    await smsc.waitFor(() => smsc.binds === 1);
    const older = await sendAndWaitSent(svc, 'before the restart');

    await smsc.close(); // the SMSC restarts: same port, its id counter back at 1
    smsc = await startFakeSmsc({ port });
    await smsc.waitFor(() => smsc.binds === 1, 5_000);
    const newer = await sendAndWaitSent(svc, 'after the restart');
    assert.equal(smsc.submits[0]!.messageId, 'msg-1');

    smsc.sendReceipt('msg-1', 'DELIVRD');
    await smsc.waitFor(() => smsc.deliverAnswers.length === 1 && smsc.unanswered() === 0, 10_000);
    assert.equal(await statusOf(svc, newer), 'delivered');
    assert.equal(await statusOf(svc, older), 'sent', 'the old message waits for its own receipt');

    const lines = readFileSync(svc.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ambiguous = lines.filter((l) => String(l['msg']).startsWith('receipt id shared by several'));
    assert.equal(ambiguous.length, 1);
    assert.equal(ambiguous[0]!['level'], 40);
    assert.equal(ambiguous[0]!['carrier'], 'smsc');
    assert.equal(ambiguous[0]!['carrierRef'], 'msg-1');
    assert.deepEqual(ambiguous[0]!['smsIds'], [newer, older]);
    assert.equal(ambiguous[0]!['chosen'], newer);
  } finally {
    await svc.close();
    await smsc.close();
  }
});

async function sendAndWaitSent(svc: TestService, body: string): Promise<string> {
  const { sms_id: smsId } = await callOk(svc.url, '/send_message', {
    from: 'alice',
    password: ALICE_PW,
    to: '+442071838750',
    body,
  });
  const until = Date.now() + 5_000;
  while ((await statusOf(svc, String(smsId))) !== 'sent') {
    if (Date.now() > until) throw new Error(`message ${smsId} not sent in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return String(smsId);
}

async function statusOf(svc: TestService, smsId: string): Promise<string> {
  const row = await svc.db.kysely
    .selectFrom('messages')
    .select('status')
    .where('id', '=', Number(smsId))
    .executeTakeFirstOrThrow();
  return row.status;
}
