import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { makeSmppAdapter, type SmppCarrierConfig } from '../../src/carriers/smpp/adapter.js';
import { encodeGsm7, encodeUcs2 } from '../../src/domain/segments.js';
import { recordEvents as events } from '../helpers/carrier-events.js';
import { testSmppConfig, testSms, useFakeSmsc } from '../helpers/fake-smsc.js';

const { get: fakeSmsc, open } = useFakeSmsc({ before, afterEach, after });
const never = new AbortController().signal;
const sms = testSms;

async function adapter(over: Partial<SmppCarrierConfig> = {}) {
  const ev = events();
  const a = makeSmppAdapter(testSmppConfig(fakeSmsc().port, over));
  open.push(a);
  await a.start!(ev.carrierEvents);
  return { a, ev };
}

describe('binding', () => {
  test('binds with its credentials and sends', async () => {
    const binds = fakeSmsc().binds;
    const { a } = await adapter();
    assert.equal(fakeSmsc().binds, binds + 1);
    assert.deepEqual(await a.send(sms('hi'), never), {
      ok: true,
      carrierRefs: [fakeSmsc().submits[0]!.messageId],
    });
  });
});

describe('submit_sm', () => {
  test('a short GSM message is one submit_sm with data_coding 0 and the exact septets', async () => {
    const { a } = await adapter();
    await a.send(sms('Hello €'), never);
    const [s] = fakeSmsc().submits;
    assert.equal(s!.dataCoding, 0);
    assert.equal(s!.esmClass, 0);
    assert.equal(s!.destAddr, '420601000001');
    assert.equal(s!.sourceAddr, '420777000000');
    assert.equal(s!.registeredDelivery, 1);
    assert.deepEqual([...s!.shortMessage], [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x1b, 0x65]);
  });

  test('data_coding 1 for GSM text is honoured when configured', async () => {
    const { a } = await adapter({ dataCoding: { gsm7: 1, ucs2: 8 } });
    await a.send(sms('Hello'), never);
    assert.equal(fakeSmsc().submits[0]!.dataCoding, 1);
  });

  test('a 200-character GSM text goes as two parts with one concatenation reference', async () => {
    const { a } = await adapter();
    const text = 'x'.repeat(200);
    const out = await a.send(sms(text), never);
    assert.equal(fakeSmsc().submits.length, 2);
    const [p1, p2] = fakeSmsc().submits;
    assert.deepEqual(out, { ok: true, carrierRefs: [p1!.messageId, p2!.messageId] });
    const ref = p1!.shortMessage[3]!;
    assert.deepEqual([...p1!.shortMessage.subarray(0, 6)], [5, 0, 3, ref, 2, 1]);
    assert.deepEqual([...p2!.shortMessage.subarray(0, 6)], [5, 0, 3, ref, 2, 2]);
    assert.equal(p1!.esmClass, 0x40);
    assert.equal(p2!.esmClass, 0x40);
    assert.deepEqual(p1!.shortMessage.subarray(6), encodeGsm7('x'.repeat(153)));
    assert.deepEqual(p2!.shortMessage.subarray(6), encodeGsm7('x'.repeat(47)));
  });

  test('a € at the part boundary counts two septets and moves whole to the next part', async () => {
    const { a } = await adapter();
    await a.send(sms(`${'a'.repeat(152)}€${'b'.repeat(10)}`), never); // 164 septets: two parts
    const [p1, p2] = fakeSmsc().submits;
    assert.deepEqual(p1!.shortMessage.subarray(6), encodeGsm7('a'.repeat(152)));
    assert.deepEqual([...p2!.shortMessage.subarray(6)], [0x1b, 0x65, ...encodeGsm7('b'.repeat(10))]);
  });

  test('an emoji text goes as UCS-2 with data_coding 8 in 67-unit parts without a split pair', async () => {
    const { a } = await adapter();
    const text = `${'a'.repeat(66)}😀${'b'.repeat(10)}`;
    await a.send(sms(text), never);
    const [p1, p2] = fakeSmsc().submits;
    assert.equal(p1!.dataCoding, 8);
    assert.deepEqual(p1!.shortMessage.subarray(6), encodeUcs2('a'.repeat(66)));
    assert.deepEqual(p2!.shortMessage.subarray(6), encodeUcs2(`😀${'b'.repeat(10)}`));
  });

  test('with split off the whole text travels in message_payload', async () => {
    const { a } = await adapter({ split: false });
    await a.send(sms('y'.repeat(300)), never);
    assert.equal(fakeSmsc().submits.length, 1);
    assert.equal(fakeSmsc().submits[0]!.shortMessage.length, 0);
    assert.deepEqual(fakeSmsc().submits[0]!.messagePayload, encodeGsm7('y'.repeat(300)));
  });

  test('a text longer than maxParts is refused for good without reaching the SMSC', async () => {
    const { a } = await adapter({ maxParts: 2 });
    const out = await a.send(sms('z'.repeat(400)), never);
    assert.deepEqual(out, { ok: false, retryable: false, kind: 'rejected', reason: 'Message is too long' });
    assert.equal(fakeSmsc().submits.length, 0);
  });
});

describe('submit_sm_resp status', () => {
  test('throttled is retryable', async () => {
    const { a } = await adapter();
    fakeSmsc().setResponder(() => ({ status: 0x58 }));
    const out = await a.send(sms('hi'), never);
    assert.deepEqual(out, {
      ok: false,
      retryable: true,
      reason: 'SMSC refused: ESME_RTHROTTLED (0x00000058)',
    });
  });

  test('an invalid destination is a permanent invalid_recipient with the SMSC code', async () => {
    const { a } = await adapter();
    fakeSmsc().setResponder((s) => (s.destAddr === '420601999999' ? { status: 0x0b } : undefined));
    assert.equal((await a.send(sms('hi'), never)).ok, true);
    const out = await a.send(sms('hi', '+420601999999'), never);
    assert.deepEqual(out, {
      ok: false,
      retryable: false,
      kind: 'invalid_recipient',
      reason: 'SMSC refused: ESME_RINVDSTADR (0x0000000B)',
    });
  });

  test('no answer within submitTimeoutMs is retryable', async () => {
    const { a } = await adapter({ submitTimeoutMs: 50 });
    fakeSmsc().setResponder(() => ({ delayMs: 300 }));
    const out = await a.send(sms('hi'), never);
    assert.deepEqual(out, { ok: false, retryable: true, reason: 'no submit_sm_resp in 50 ms' });
  });
});

describe('window and link', () => {
  test('never more than `window` submit_sm are outstanding at the SMSC', async () => {
    const { a } = await adapter({ window: 2 });
    fakeSmsc().maxOutstanding = 0;
    fakeSmsc().setResponder(() => ({ delayMs: 20 }));
    const outs = await Promise.all(Array.from({ length: 6 }, () => a.send(sms('w'), never)));
    assert.ok(outs.every((o) => o.ok));
    assert.equal(fakeSmsc().submits.length, 6);
    assert.equal(fakeSmsc().maxOutstanding, 2);
  });

  test('two hundred sends through a window of ten are all accepted, each with its own id (no timing)', async () => {
    const { a } = await adapter();
    fakeSmsc().maxOutstanding = 0;
    const outs = await Promise.all(Array.from({ length: 200 }, (_, i) => a.send(sms(`n${i}`), never)));
    const ids = outs.flatMap((o) => (o.ok ? o.carrierRefs : []));
    assert.equal(new Set(ids).size, 200);
    assert.ok(fakeSmsc().maxOutstanding <= 10);
  });

  test('a send waiting for the window gives up when aborted', async () => {
    const { a } = await adapter({ window: 1 });
    fakeSmsc().setResponder(() => ({ delayMs: 200 }));
    const first = a.send(sms('one'), never);
    const ac = new AbortController();
    const second = a.send(sms('two'), ac.signal);
    setTimeout(() => ac.abort(), 20);
    assert.deepEqual(await second, { ok: false, retryable: true, reason: 'aborted' });
    assert.equal((await first).ok, true);
  });

  test('a send awaiting its submit_sm_resp gives up when aborted, and its window slot is free again', async () => {
    const { a } = await adapter({ window: 1 });
    fakeSmsc().setResponder((s) => (s.shortMessage.toString('latin1') === 'slow' ? { delayMs: 300 } : {}));
    const ac = new AbortController();
    const before = fakeSmsc().submits.length;
    const first = a.send(sms('slow'), ac.signal);
    await fakeSmsc().waitFor(() => fakeSmsc().submits.length > before);
    ac.abort();
    assert.deepEqual(await first, { ok: false, retryable: true, reason: 'aborted' });
    assert.equal((await a.send(sms('next'), never)).ok, true);
  });

  test('a send awaiting its submit_sm_resp when the link drops is retryable', async () => {
    const { a } = await adapter();
    fakeSmsc().setResponder(() => ({ delayMs: 300 }));
    const pending = a.send(sms('lost'), never);
    const before = fakeSmsc().submits.length;
    await fakeSmsc().waitFor(() => fakeSmsc().submits.length > before);
    fakeSmsc().dropClients();
    assert.deepEqual(await pending, {
      ok: false,
      retryable: true,
      reason: 'SMPP link lost before submit_sm_resp',
    });
  });

  test('after the SMSC drops the connection the adapter rebinds and the next send succeeds', async () => {
    const { a } = await adapter();
    const binds = fakeSmsc().binds;
    fakeSmsc().dropClients();
    await fakeSmsc().waitFor(() => fakeSmsc().binds === binds + 1);
    assert.equal((await a.send(sms('again'), never)).ok, true);
  });

  test('an SMSC that stops answering enquire_link is dropped and bound again', async () => {
    const { a } = await adapter({ enquireLinkMs: 50 });
    const binds = fakeSmsc().binds;
    const links = fakeSmsc().enquireLinks;
    fakeSmsc().ignoreEnquireLink = true;
    try {
      // One unanswered period, then the next tick finds it still outstanding and drops the link.
      await fakeSmsc().waitFor(() => fakeSmsc().binds === binds + 1);
      assert.ok(fakeSmsc().enquireLinks > links, 'keep-alives were sent');
    } finally {
      fakeSmsc().ignoreEnquireLink = false;
    }
    assert.equal((await a.send(sms('after the hang'), never)).ok, true);
  });
});

describe('deliver_sm', () => {
  test('a DELIVRD receipt reports delivered with the carrierRef of the submit, UNDELIV reports failed', async () => {
    const { a, ev } = await adapter();
    const out = await a.send(sms('hi'), never);
    assert.ok(out.ok);
    const ref = out.carrierRefs[0]!;
    fakeSmsc().sendReceipt(ref, 'ENROUTE');
    fakeSmsc().sendReceipt(ref, 'DELIVRD');
    fakeSmsc().sendReceipt('msg-other', 'UNDELIV');
    await fakeSmsc().waitFor(() => ev.receipts.length === 2);
    assert.equal(ev.receipts[0]!.carrierRef, ref);
    assert.equal(ev.receipts[0]!.status, 'delivered');
    assert.equal(ev.receipts[0]!.at, Date.UTC(2025, 0, 1, 12, 1));
    assert.deepEqual(
      { ...ev.receipts[1], at: undefined },
      {
        carrier: 'smsc1',
        carrierRef: 'msg-other',
        status: 'failed',
        error: 'stat:UNDELIV err:001',
        at: undefined,
      },
    );
  });

  test('the receipted_message_id and message_state TLVs win over the receipt text', async () => {
    const { ev } = await adapter();
    fakeSmsc().sendReceipt('text-id', 'DELIVRD', { receipted_message_id: 'tlv-id', message_state: 5 });
    await fakeSmsc().waitFor(() => ev.receipts.length === 1);
    assert.equal(ev.receipts[0]!.carrierRef, 'tlv-id');
    assert.equal(ev.receipts[0]!.status, 'failed');
  });

  test('a single GSM MO message arrives whole with E.164 addresses', async () => {
    const { ev } = await adapter();
    fakeSmsc().sendMo({ from: '420601000002', to: '420777000000', data: encodeGsm7('Hi {there} €5') });
    await fakeSmsc().waitFor(() => ev.inbound.length === 1);
    const m = ev.inbound[0]!;
    assert.deepEqual(
      { ...m, carrierRef: '' },
      {
        carrier: 'smsc1',
        carrierRef: '',
        from: '+420601000002',
        to: '+420777000000',
        body: 'Hi {there} €5',
      },
    );
    assert.match(m.carrierRef, /^smpp-mo:/);
  });

  test('a two-part UCS-2 MO message with a UDH arrives as one text', async () => {
    const { ev } = await adapter();
    const udh = (seq: number) => Buffer.from([5, 0, 3, 42, 2, seq]);
    const from = '420601000003';
    fakeSmsc().sendMo({
      from,
      to: '1',
      dataCoding: 8,
      esmClass: 0x40,
      data: Buffer.concat([udh(2), encodeUcs2('мир 😀')]),
    });
    fakeSmsc().sendMo({
      from,
      to: '1',
      dataCoding: 8,
      esmClass: 0x40,
      data: Buffer.concat([udh(1), encodeUcs2('привет ')]),
    });
    await fakeSmsc().waitFor(() => ev.inbound.length === 1);
    assert.equal(ev.inbound[0]!.body, 'привет мир 😀');
  });

  test('a two-part GSM MO message with sar TLVs arrives as one text', async () => {
    const { ev } = await adapter();
    const sar = (seq: number) => ({
      sar_msg_ref_num: 0x1234,
      sar_total_segments: 2,
      sar_segment_seqnum: seq,
    });
    fakeSmsc().sendMo({ from: '420601000004', to: '1', data: encodeGsm7('first '), tlvs: sar(1) });
    fakeSmsc().sendMo({ from: '420601000004', to: '1', data: encodeGsm7('second'), tlvs: sar(2) });
    await fakeSmsc().waitFor(() => ev.inbound.length === 1);
    assert.equal(ev.inbound[0]!.body, 'first second');
  });
});
