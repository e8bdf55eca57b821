/**
 * The SMPP link on its own thread (`carriers/smpp/thread.ts`): a real Worker running the adapter,
 * a real socket to the fake SMSC. What crosses must arrive whole: sends and their outcomes, aborts,
 * receipts (answered to the SMSC only once this side has them), the link's state and its log lines,
 * and a thread that dies must answer what waited on it and come back.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { makeThreadedSmppAdapter, processSemiSpaceMb } from '../../src/carriers/smpp/thread.js';
import { recordEvents } from '../helpers/carrier-events.js';
import { testSmppConfig, testSms, useFakeSmsc } from '../helpers/fake-smsc.js';

const { get: fakeSmsc, open } = useFakeSmsc({ before, afterEach, after });
const never = new AbortController().signal;
const sms = testSms;

type Line = { level: string; fields: Record<string, unknown>; msg: string };

async function threaded(over: Parameters<typeof testSmppConfig>[1] = {}) {
  const ev = recordEvents();
  const lines: Line[] = [];
  const log = {
    warn: (fields: object, msg: string) =>
      lines.push({ level: 'warn', fields: fields as Line['fields'], msg }),
    info: (fields: object, msg: string) =>
      lines.push({ level: 'info', fields: fields as Line['fields'], msg }),
  };
  const a = makeThreadedSmppAdapter(testSmppConfig(fakeSmsc().port, over), log);
  open.push(a);
  await a.start!(ev.carrierEvents);
  return { a, ev, lines };
}

describe('the link on its own thread', () => {
  test('binds, sends, and returns each outcome to its own send', async () => {
    const { a, lines } = await threaded();
    assert.equal(a.link!(), 'up');
    assert.equal(a.hasCapacity!(), true);
    assert.ok(
      lines.some((l) => l.level === 'info' && l.msg === 'SMPP link up' && l.fields['carrier'] === 'smsc1'),
    );
    // A refusal for one recipient only: each outcome must go back to the send it belongs to.
    fakeSmsc().setResponder((s) => (s.destAddr === '420601000003' ? { status: 0x0b } : undefined));
    const to = ['+420601000001', '+420601000002', '+420601000003', '+420601000004'];
    const outcomes = await Promise.all(to.map((n) => a.send(sms(`to ${n}`, n), never)));
    for (const [i, o] of outcomes.entries()) {
      const submit = fakeSmsc().submits.find((s) => s.destAddr === to[i]!.slice(1))!;
      if (i === 2)
        assert.deepEqual({ ok: o.ok, retryable: !o.ok && o.retryable }, { ok: false, retryable: false });
      else assert.deepEqual(o, { ok: true, carrierRefs: [submit.messageId] });
    }
  });

  test('a long text crosses whole and comes back with the id of each part, in order', async () => {
    const { a } = await threaded();
    const body = 'x'.repeat(200);
    const sent = await a.send(sms(body), never);
    assert.ok(sent.ok);
    assert.deepEqual(
      sent.carrierRefs,
      fakeSmsc().submits.map((s) => s.messageId),
    );
    assert.equal(sent.carrierRefs.length, 2);
  });

  test('the window holds on the thread too: no more submits outstanding than `window`', async () => {
    const { a } = await threaded({ window: 3 });
    fakeSmsc().setResponder(() => ({ delayMs: 20 }));
    const before = fakeSmsc().maxOutstanding;
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => a.send(sms(`m${i}`), never)));
    assert.ok(outcomes.every((o) => o.ok));
    assert.ok(fakeSmsc().maxOutstanding <= Math.max(before, 3), `outstanding ${fakeSmsc().maxOutstanding}`);
    assert.equal(a.inFlight!(), 0);
  });

  test('an abort on this side stops a send waiting on the thread', async () => {
    const { a } = await threaded({ window: 1 });
    fakeSmsc().setResponder(() => ({ delayMs: 300 }));
    const ctrl = new AbortController();
    const first = a.send(sms('first'), never);
    const second = a.send(sms('second'), ctrl.signal);
    const t0 = performance.now();
    setTimeout(() => ctrl.abort(), 50);
    // The second waits for the window's one slot; its abort answers it at once, not after the first.
    assert.deepEqual(await second, { ok: false, retryable: true, reason: 'aborted' });
    assert.ok(performance.now() - t0 < 250, `answered after ${Math.round(performance.now() - t0)} ms`);
    assert.equal((await first).ok, true);
    assert.equal(fakeSmsc().submits.length, 1);
  });

  test('a receipt crosses to this side before the SMSC gets its deliver_sm_resp', async () => {
    const { a, ev } = await threaded();
    const sent = await a.send(sms('hello'), never);
    assert.ok(sent.ok);
    const id = sent.carrierRefs[0]!;
    fakeSmsc().sendReceipt(id, 'DELIVRD');
    await fakeSmsc().waitFor(() => fakeSmsc().deliverAnswers.length > 0);
    assert.equal(ev.receipts.length, 1);
    assert.equal(ev.receipts[0]!.carrierRef, id);
    assert.equal(fakeSmsc().deliverAnswers[0]!.status, 0);
  });

  test('a link that drops reads down on this side while the SMSC refuses it, and up once it binds again', async () => {
    const { a, lines } = await threaded({
      reconnect: { minMs: 20, maxMs: 100, refusedMinMs: 50, refusedMaxMs: 100 },
    });
    fakeSmsc().refuseBind = 0x0e;
    fakeSmsc().dropClients();
    await waitFor(() => a.link!() === 'down');
    assert.equal(a.hasCapacity!(), false);
    assert.ok(lines.some((l) => l.level === 'warn' && l.msg === 'SMPP link down; retrying with backoff'));
    fakeSmsc().refuseBind = undefined;
    await waitFor(() => a.link!() === 'up', 5_000);
    assert.ok((await a.send(sms('after'), never)).ok);
  });

  test('a thread that dies answers its sends as retries, reads down, and is replaced', async () => {
    // The thread is ended from outside, as a crash or an out-of-memory end would end it: the Worker is
    // caught as this side posts its first message to it (no hook in the adapter for this).
    const workers: Worker[] = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      if (!workers.includes(this)) workers.push(this);
      return post.apply(this, args);
    };
    try {
      const { a, lines } = await threaded({ reconnect: { minMs: 50, maxMs: 100 } });
      assert.equal(workers.length, 1);
      fakeSmsc().setResponder(() => ({ delayMs: 5_000 }));
      const pending = a.send(sms('in flight when the thread dies'), never);
      await fakeSmsc().waitFor(() => fakeSmsc().submits.length === 1);
      const t0 = performance.now();
      await workers[0]!.terminate();
      assert.deepEqual(await pending, { ok: false, retryable: true, reason: 'SMPP link down' });
      assert.ok(performance.now() - t0 < 1_000, `answered after ${Math.round(performance.now() - t0)} ms`);
      assert.equal(a.link!(), 'down');
      assert.equal(a.hasCapacity!(), false);
      const ended = lines.find((l) => l.msg.startsWith('SMPP link thread ended'));
      assert.equal(ended?.level, 'warn');
      assert.equal(ended?.fields['unanswered'], 1);
      // A send while no thread runs is a retry at once, not a wait.
      assert.deepEqual(await a.send(sms('no thread'), never), {
        ok: false,
        retryable: true,
        reason: 'SMPP link down',
      });
      fakeSmsc().setResponder(() => undefined);
      await waitFor(() => a.link!() === 'up', 5_000);
      assert.equal(workers.length, 2);
      const after = await a.send(sms('on the new thread'), never);
      assert.ok(after.ok);
      assert.equal(fakeSmsc().submits.at(-1)!.shortMessage.toString('latin1'), 'on the new thread');
    } finally {
      Worker.prototype.postMessage = post;
    }
  });
});

describe("the link thread's young generation", () => {
  test("the process's own --max-semi-space-size is read from the command line, then NODE_OPTIONS", () => {
    assert.equal(processSemiSpaceMb(['--max-semi-space-size=16']), 16);
    assert.equal(processSemiSpaceMb(['--max-semi-space-size', '32']), 32);
    assert.equal(processSemiSpaceMb([], '--foo --max_semi_space_size=8'), 8);
    assert.equal(processSemiSpaceMb(['--max-semi-space-size=16'], '--max-semi-space-size=8'), 8);
    assert.equal(processSemiSpaceMb(['--import', 'tsx']), 0);
  });
});

async function waitFor(pred: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
