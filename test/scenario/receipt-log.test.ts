/**
 * The log lines of receipts name the message they concern: a real service with an SMPP carrier (the
 * fake SMSC, its receipt a deliver_sm) and an HTTP carrier whose receipts arrive as Twilio status
 * webhooks; the service's own log file is read back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { twilioSignature } from '../../src/carriers/twilio/webhook.js';
import { type FakeHttpCarrier, reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { callOk } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PUBLIC = 'https://sms.example.com';
const TOKEN = 'twilio-token';
const ALICE_PW = password('alice');
let svc: TestService;
let smsc: FakeSmsc;
let carrier: FakeHttpCarrier;

before(async () => {
  smsc = await startFakeSmsc();
  carrier = await startFakeHttpCarrier({ behaviour: (_r, n) => reply.ok(`fake-${n}`) });
  svc = await startTestService({
    carriers: [
      smsc.carrier(),
      {
        name: 'twilio',
        type: 'http',
        method: 'POST',
        url: `${carrier.url}/send`,
        body: '{"to":"%to%","from":"%from%","text":"%body%"}',
        messageId: 'id',
        timeoutMs: 2_000,
      },
    ],
    routes: [{ prefixes: ['+44'], carrier: 'smsc' }, { carrier: 'twilio' }],
    delivery: { pollMs: 20, waitMs: 2_000 },
    inbound: { publicUrl: PUBLIC, carriers: { twilio: { type: 'twilio', authToken: TOKEN } } },
  });
  await svc.admin.add({ username: 'alice', password: ALICE_PW, numbers: ['+15550000001'], region: 'US' });
  await smsc.waitFor(() => smsc.binds >= 1);
});
after(async () => {
  await svc.close();
  await smsc.close();
  await carrier.close();
});

type Line = Record<string, unknown> & { msg: string };

/** The service's log lines that match `pick`, once there is one (the log is written asynchronously). */
async function logLines(pick: (l: Line) => boolean): Promise<Line[]> {
  const until = Date.now() + 8_000;
  for (;;) {
    const lines = readFileSync(svc.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line)
      .filter(pick);
    if (lines.length > 0 || Date.now() > until) return lines;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const send = async (to: string, body: string) =>
  Number((await callOk(svc.url, '/send_message', { from: 'alice', password: ALICE_PW, to, body })).sms_id);

test('an SMPP receipt (deliver_sm) logs a receipt line with the carrier, its id, the status and the sms_id', async () => {
  const smsId = await send('+442071838750', 'over smpp');
  await smsc.waitFor(() => smsc.submits.some((s) => s.messageId !== ''));
  const ref = smsc.submits.find((s) => s.messageId !== '')!.messageId;
  smsc.sendReceipt(ref, 'DELIVRD');
  const [line] = await logLines((l) => l.msg === 'receipt' && l['ref'] === ref);
  assert.ok(line, 'a receipt line');
  assert.deepEqual(
    { carrier: line['carrier'], status: line['status'], smsId: line['smsId'] },
    { carrier: 'smsc', status: 'delivered', smsId },
  );
});

test("an HTTP carrier's status webhook logs a receipt line with the sms_id it concerns", async () => {
  const smsId = await send('+15559870000', 'over http');
  // The receipt may only come once the carrier's id is stored with the message.
  const stored = () =>
    svc.db.kysely.selectFrom('carrier_refs').select('ref').where('message_id', '=', smsId).executeTakeFirst();
  const until = Date.now() + 8_000;
  while (!(await stored()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const ref = (await stored())!.ref;
  const fields = { MessageSid: ref, MessageStatus: 'delivered', To: '+15559870000' };
  const res = await fetch(`${svc.url}/inbound/twilio`, {
    method: 'POST',
    headers: {
      'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC}/inbound/twilio`, Object.entries(fields)),
    },
    body: new URLSearchParams(fields).toString(),
  });
  assert.equal(res.status, 200);
  const [line] = await logLines((l) => l.msg === 'receipt' && l['ref'] === ref);
  assert.ok(line, 'a receipt line');
  assert.deepEqual(
    { carrier: line['carrier'], status: line['status'], smsId: line['smsId'] },
    { carrier: 'twilio', status: 'delivered', smsId },
  );
});
