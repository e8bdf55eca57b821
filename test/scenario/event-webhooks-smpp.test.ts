/**
 * `message.received` for SMPP MO: a whole message and a long one joined from its parts, each posted
 * once to a loopback receiver that checks the signature with the `standardwebhooks` package.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { encodeGsm7, encodeUcs2 } from '../../src/domain/segments.js';
import { type FakeHttpCarrier, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
let svc: TestService;
let smsc: FakeSmsc;
let receiver: FakeHttpCarrier;

before(async () => {
  smsc = await startFakeSmsc();
  receiver = await startFakeHttpCarrier();
  svc = await startTestService({
    carriers: [smsc.carrier()],
    routes: [{ carrier: 'smsc' }],
    delivery: { pollMs: 20 },
    webhooks: [
      {
        name: 'crm',
        url: `${receiver.url}/in`,
        secret: SECRET,
        events: ['message.received'],
        includeText: true,
      },
    ],
  });
  await svc.admin.add({
    username: 'bob',
    password: password('bob'),
    numbers: ['+15550000002'],
    region: 'US',
  });
  await smsc.waitFor(() => smsc.binds >= 1);
});
after(async () => {
  await svc.close();
  await smsc.close();
  await receiver.close();
});

type Event = { type: string; data: Record<string, unknown> };
const wh = new Webhook(SECRET);
const events = (): Event[] =>
  receiver.requests.map((r) => wh.verify(r.body, r.headers as Record<string, string>) as Event);

async function until(ok: () => boolean): Promise<void> {
  const end = Date.now() + 8_000;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

test('an SMPP MO message, and a long one joined from parts, each post message.received once', async () => {
  smsc.sendMo({ from: '15557654321', to: '15550000002', data: encodeGsm7('short one') });
  const udh = (seq: number) => Buffer.from([5, 0, 3, 42, 2, seq]);
  const part = (seq: number, text: string) => ({
    from: '15557654322',
    to: '15550000002',
    dataCoding: 8,
    esmClass: 0x40,
    data: Buffer.concat([udh(seq), encodeUcs2(text)]),
  });
  smsc.sendMo(part(2, 'world'));
  smsc.sendMo(part(1, 'hello '));
  await until(() => events().length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  const got = events()
    .map((e) => [e.type, e.data['account'], e.data['from'], e.data['carrier'], e.data['text']])
    .sort((a, b) => String(a[4]).localeCompare(String(b[4])));
  assert.deepEqual(got, [
    ['message.received', 'bob', '+15557654322', 'smsc', 'hello world'],
    ['message.received', 'bob', '+15557654321', 'smsc', 'short one'],
  ]);
});
