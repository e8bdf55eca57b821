import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import smpp from 'smpp';
import { type BenchSmsc, startBenchSmsc } from '../../bench/fake-smsc.js';

let smsc: BenchSmsc;
before(async () => {
  smsc = await startBenchSmsc({ receipts: true });
});
after(() => smsc.close());

/** A client session on the bench SMSC, bound with `bind` (as Kannel or textbridge binds). */
async function bound(bind: 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver') {
  const session = smpp.connect({ host: '127.0.0.1', port: smsc.port });
  // The fake drops its sessions when it closes: that reset is expected, not a failure.
  session.on('error', () => {});
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  const resp = await new Promise<smpp.Pdu>((resolve) =>
    session.send(new smpp.PDU(bind, { system_id: 'kannel', password: 'secret' }) as never, resolve),
  );
  assert.equal(resp.command_status, 0, `${bind} accepted`);
  return session;
}

const submit = (session: smpp.Session) =>
  new Promise<smpp.Pdu>((resolve) =>
    session.submit_sm({ destination_addr: '447700900123', short_message: 'hello' }, resolve),
  );

test('a Kannel-style transmitter bind gets its submit_sm answered with a message id, counted and timed', {
  timeout: 5_000,
}, async () => {
  smsc.reset();
  const session = await bound('bind_transmitter');
  const first = await submit(session);
  const second = await submit(session);
  assert.equal(first.command_status, 0);
  assert.match(String(first['message_id']), /^m\d+$/);
  assert.notEqual(first['message_id'], second['message_id']);
  assert.equal(smsc.count(), 2);
  assert.ok(smsc.lastAt() >= smsc.firstAt() && smsc.firstAt() > 0);
  session.destroy();
});

test('a receiver bind is accepted too, as Kannel opens one beside its transmitter', {
  timeout: 5_000,
}, async () => {
  const session = await bound('bind_receiver');
  session.destroy();
});

test('with receipts, a transceiver gets a DELIVRD receipt naming the id its submit_sm was given', {
  timeout: 5_000,
}, async () => {
  const session = await bound('bind_transceiver');
  const receipt = new Promise<smpp.Pdu>((resolve) =>
    session.once('deliver_sm', (pdu) => {
      session.send(pdu.response());
      resolve(pdu);
    }),
  );
  const resp = await submit(session);
  // smpp 0.5 decodes short_message as { message } (the text, by data_coding).
  const text = ((await receipt)['short_message'] as { message: string }).message;
  assert.match(text, new RegExp(`id:${String(resp['message_id'])} .*stat:DELIVRD`));
  session.destroy();
});

test('reset forgets the count and the times before a timed drain', () => {
  smsc.reset();
  assert.equal(smsc.count(), 0);
  assert.equal(smsc.firstAt(), 0);
});
