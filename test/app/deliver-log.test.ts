/**
 * What the deliver job tells the operator: one line per failed attempt and one per message refused or
 * given up, with the carrier, the sms_id, the masked reason and the attempt, through a real pino logger.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { DELIVERY_LOG } from '../../src/app/delivery-log.js';
import { HttpKeys } from '../../src/carriers/http/config.js';
import { makeHttpGenericCarrier } from '../../src/carriers/http/generic.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { carrier, fake, NOW, world } from '../helpers/deliver-world.js';
import { reply } from '../helpers/fake-http-carrier.js';

type Line = Record<string, unknown> & { level: number; msg: string };

/** A pino logger whose lines land, parsed, in `lines`. */
function capture(): { log: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

const settle = () => new Promise((r) => setImmediate(r));

test('a transient failure logs one warn line with the carrier, sms_id, reason, attempt and next retry time', async () => {
  const c = await fake({ behaviour: () => reply.text(503, 'maintenance window') });
  const { log, lines } = capture();
  const w = await world([carrier('main', c)], { carrier: 'main' }, { log });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  await settle();
  const warn = lines.filter((l) => l.msg === DELIVERY_LOG.retry);
  assert.equal(warn.length, 1);
  assert.equal(warn[0]!.level, 40);
  assert.deepEqual(
    { ...warn[0], time: undefined, pid: undefined, hostname: undefined },
    {
      level: 40,
      msg: DELIVERY_LOG.retry,
      carrier: 'main',
      smsId: w.messageId,
      attempt: 1,
      retryAt: new Date(NOW + 500).toISOString(),
      reason: 'main: HTTP 503: maintenance window',
      time: undefined,
      pid: undefined,
      hostname: undefined,
    },
  );
});

test('a message given up after its last attempt logs the carrier, sms_id, reason and attempts', async () => {
  const c = await fake({ behaviour: () => reply.text(503, 'maintenance window') });
  const { log, lines } = capture();
  const w = await world([carrier('main', c)], { carrier: 'main' }, { log, attempts: 4 });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  await settle();
  const gaveUp = lines.filter((l) => l.msg === DELIVERY_LOG.gaveUp);
  assert.equal(gaveUp.length, 1, JSON.stringify(lines));
  assert.equal(gaveUp[0]!.level, 40);
  assert.equal(gaveUp[0]!['carrier'], 'main');
  assert.equal(gaveUp[0]!['smsId'], w.messageId);
  assert.equal(gaveUp[0]!['attempts'], 5);
  assert.match(String(gaveUp[0]!['reason']), /^main: HTTP 503: maintenance window \(/);
  assert.equal(lines.filter((l) => l.msg === DELIVERY_LOG.retry).length, 0);
});

test('a refusal is logged with its kind and a masked reason, never the text nor the whole number', async () => {
  // The carrier quotes the text, the number and a credential back.
  const c = await fake({
    behaviour: (req) => {
      const sent = JSON.parse(req.body) as { to: string; text: string };
      return reply.json(400, { message: `Refused ${sent.to} "${sent.text}" token=abcdef123456` });
    },
  });
  const { log, lines } = capture();
  const w = await world([carrier('main', c)], { carrier: 'main' }, { log });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  await settle();
  const refused = lines.filter((l) => l.msg === DELIVERY_LOG.refused);
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!['kind'], 'rejected');
  assert.equal(refused[0]!['attempts'], 1);
  assert.equal(refused[0]!['reason'], 'HTTP 400: Refused …4321 "[text]" token=********');
  const all = JSON.stringify(lines);
  assert.ok(!all.includes('+15557654321') && !all.includes('hello') && !all.includes('abcdef123456'), all);
});

test('a request the configuration cannot build is logged at error with the carrier and the key', async () => {
  const broken = makeHttpGenericCarrier(
    withDefaults(HttpKeys, { name: 'main', method: 'POST', url: 'http://127.0.0.1:%sms_id%99999/send' }),
  );
  const { log, lines } = capture();
  const w = await world([broken], { carrier: 'main' }, { log });
  await w.deliver.attempt(w.job, AbortSignal.timeout(5_000));
  await settle();
  const errors = lines.filter((l) => l.msg === DELIVERY_LOG.configuration);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.level, 50);
  assert.equal(errors[0]!['carrier'], 'main');
  assert.equal(errors[0]!['key'], 'url');
  assert.equal(errors[0]!['smsId'], w.messageId);
});
