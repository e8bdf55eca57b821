import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type FakeHttpCarrier, reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { type FakeSmsc, type FakeSmscOptions, startFakeSmsc } from '../helpers/fake-smsc.js';
import { startTestService, type TestService } from '../helpers/service.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

const PW = 'correct horse battery';

async function carrier(behaviour?: Parameters<typeof startFakeHttpCarrier>[0]): Promise<FakeHttpCarrier> {
  const c = await startFakeHttpCarrier(behaviour);
  cleanup.push(() => c.close());
  return c;
}

const httpCarrier = (name: string, c: FakeHttpCarrier) => ({
  name,
  type: 'http',
  method: 'POST',
  url: `${c.url}/send`,
  body: '{"to":"%to%","from":"%from%","text":"%body%","ref":"%sms_id%"}',
  messageId: 'id',
  timeoutMs: 2_000,
});

const fastRetries = { backoff: { baseMs: 20, maxMs: 100 }, pollMs: 20, waitMs: 2_000 };

async function service(raw: Record<string, unknown>): Promise<TestService> {
  const s = await startTestService(raw);
  cleanup.push(() => s.close());
  await s.admin.add({
    username: 'alice',
    password: PW,
    numbers: ['+15550001111'],
    region: 'US',
    credit: '1',
  });
  return s;
}

async function send(s: TestService, to: string, body = 'hello') {
  const res = await fetch(`${s.url}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'alice', password: PW, to, body }),
  });
  return { status: res.status, json: (await res.json()) as { sms_id?: string; message?: string } };
}

const message = async (s: TestService, id: string) =>
  (await s.admin.messages({ limit: 1000 })).find((m) => String(m.id) === id)!;

async function until<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fake SMSC with `opts` (closed after the test) and a service routing everything to it. */
async function viaSmsc(opts: FakeSmscOptions): Promise<{ smsc: FakeSmsc; s: TestService }> {
  const smsc = await startFakeSmsc(opts);
  cleanup.push(() => smsc.close());
  const s = await service({
    carriers: [smsc.carrier()],
    routes: [{ carrier: 'smsc' }],
    delivery: fastRetries,
  });
  return { smsc, s };
}

test('a message the carrier accepts answers 200 and is stored as sent with the carrier id', async () => {
  const c = await carrier();
  const s = await service({ carriers: [httpCarrier('main', c)], routes: [{ carrier: 'main' }] });
  const r = await send(s, '+15557654321');
  assert.equal(r.status, 200);
  assert.equal(c.requests.length, 1, 'the 200 came once the carrier had it');
  // Its `sent` outcome is written with the next batch of outcomes, just after the 200.
  const m = await until(
    () => message(s, r.json.sms_id!),
    (m) => m.status === 'sent',
  );
  assert.equal(m.carrier, 'main');
  assert.equal(m.carrierRef, 'fake-0');
  assert.equal(m.attempts, 1);
  assert.deepEqual(JSON.parse(c.requests[0]!.body), {
    to: '+15557654321',
    from: '+15550001111',
    text: 'hello',
    ref: r.json.sms_id,
  });
});

test("a permanent refusal reaches the phone with the carrier's reason; the message fails and is refunded", async () => {
  const c = await carrier({ behaviour: () => reply.json(400, { message: 'Invalid destination number' }) });
  const s = await service({
    carriers: [httpCarrier('main', c)],
    routes: [{ carrier: 'main' }],
    rates: { default: 0.05 },
  });
  const r = await send(s, '+15557654321');
  assert.equal(r.status, 406);
  assert.match(r.json.message!, /Invalid destination number/);
  const failed = await s.admin.messages({ status: 'failed', limit: 10 });
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.lastError!, /Invalid destination number/);
  const alice = (await s.admin.list()).find((a) => a.username === 'alice')!;
  assert.equal(alice.credit, 1, 'the charge came back');
  const inbox = await s.admin.messages({ username: 'alice', limit: 10 });
  const bounce = inbox.find((m) => m.status === 'received');
  assert.match(
    bounce!.body,
    /^Message to \+15557654321 could not be delivered: .*Invalid destination number/,
  );
});

test('a carrier that is down gets 200, and the message is delivered once it is back', async () => {
  const { smsc, s } = await viaSmsc({ autoReceipt: 'DELIVRD' });
  let down = true;
  smsc.setResponder(() => (down ? { status: 0x58 } : undefined)); // ESME_RTHROTTLED: transient
  const r = await send(s, '+15557654321');
  assert.equal(r.status, 200);
  const queued = await message(s, r.json.sms_id!);
  assert.equal(queued.status, 'queued');
  assert.match(queued.lastError!, /smsc/);
  down = false;
  const m = await until(
    () => message(s, r.json.sms_id!),
    (m) => m.status === 'delivered',
  );
  assert.ok(m.attempts >= 2);
  assert.equal(m.lastError, null);
});

test('an SMSC that answers with a hex id and receipts in decimal still gets its message delivered', async () => {
  const { s } = await viaSmsc({ autoReceipt: 'DELIVRD', idQuirk: 'hex-then-decimal' });
  const r = await send(s, '+15557654321');
  assert.equal(r.status, 200);
  const m = await until(
    () => message(s, r.json.sms_id!),
    (m) => m.status === 'delivered',
  );
  assert.match(m.carrierRef!, /^[0-9A-F]+$/, 'the submit_sm_resp id, in hex, is the one kept');
});

test('a transient failure on the first carrier fails over to the next one', async () => {
  const broken = await carrier({ behaviour: () => reply.text(503, 'maintenance') });
  const spare = await carrier();
  const s = await service({
    carriers: [httpCarrier('broken', broken), httpCarrier('spare', spare)],
    routes: [{ carrier: 'broken', failover: ['spare'] }],
  });
  const r = await send(s, '+15557654321');
  assert.equal(r.status, 200);
  const m = await until(
    () => message(s, r.json.sms_id!),
    (m) => m.status === 'sent',
  );
  assert.equal(m.carrier, 'spare');
  assert.equal(broken.count(), 1);
});

test('a number no route matches gets 406 "No route to …" and nothing is stored or charged', async () => {
  const c = await carrier();
  const s = await service({
    carriers: [httpCarrier('us', c)],
    routes: [{ prefixes: ['+1'], carrier: 'us' }],
    rates: { default: 0.05 },
  });
  const r = await send(s, '+442071234567');
  assert.equal(r.status, 406);
  assert.equal(r.json.message, 'No route to +442071234567');
  assert.equal((await s.admin.messages({ limit: 10 })).length, 0);
  assert.equal((await s.admin.list())[0]!.credit, 1);
});

/**
 * A service whose one carrier is an SMSC with a window of one, which answers its first submit_sm only
 * after `delayMs`: until then the window is full. The phone would wait up to 20 s for a first attempt.
 */
async function windowFullUntil(delayMs: number, delivery: Record<string, unknown> = {}) {
  const smsc = await startFakeSmsc();
  cleanup.push(() => smsc.close());
  smsc.setResponder((_s, index) => (index === 0 ? { delayMs } : undefined));
  const s = await service({
    carriers: [smsc.carrier({ window: 1 })],
    routes: [{ carrier: 'smsc' }],
    delivery: { ...fastRetries, waitMs: 20_000, ...delivery },
  });
  return { smsc, s };
}

test('sends without room are kept in hand up to delivery.concurrency; past it they wait for the worker', async () => {
  // No worker in this process: whatever is sent, this process sent it in hand.
  const { smsc, s } = await windowFullUntil(1_500, { worker: false, concurrency: 1 });
  const first = send(s, '+15557654321', 'first');
  await smsc.waitFor(() => smsc.submits.length === 1, 10_000);
  const inHand = await send(s, '+15557654322', 'in hand');
  const due = await send(s, '+15557654323', 'due');
  assert.equal(inHand.status, 200);
  assert.equal(due.status, 200);
  assert.equal((await first).status, 200);
  const sent = await until(
    () => message(s, inHand.json.sms_id!),
    (x) => x.status === 'sent',
  );
  assert.equal(sent.attempts, 1);
  assert.deepEqual(
    smsc.submits.map((x) => x.destAddr),
    ['15557654321', '15557654322'],
  );
  // Past the bound the job was left due for a worker, and there is none here.
  const left = await message(s, due.json.sms_id!);
  assert.equal(left.status, 'queued');
  assert.equal(left.attempts, 0);
});

test('with no carriers configured, off-net messages have no route', async () => {
  const s = await service({});
  const r = await send(s, '+15557654321');
  assert.equal(r.status, 406);
  assert.equal(r.json.message, 'No route to +15557654321');
});

test('a send while the carrier has no room is answered once stored, ahead of the send that fills the window', async () => {
  const { smsc, s } = await windowFullUntil(3_000);
  const order: string[] = [];
  const first = send(s, '+15557654321', 'first').then((r) => {
    order.push('first');
    return r;
  });
  await smsc.waitFor(() => smsc.submits.length === 1, 10_000);
  const second = await send(s, '+15557654322', 'second');
  order.push('second');
  assert.equal(second.status, 200);
  assert.ok(second.json.sms_id);
  assert.equal((await first).status, 200);
  assert.deepEqual(order, ['second', 'first'], 'the second phone did not wait behind the window');
  // Kept in hand, it goes out once the window is free.
  const m = await until(
    () => message(s, second.json.sms_id!),
    (x) => x.status === 'sent',
  );
  assert.equal(m.status, 'sent');
  assert.equal(smsc.submits.length, 2);
});
