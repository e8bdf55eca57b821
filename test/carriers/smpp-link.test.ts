import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { CarrierAdapter, OutboundSms } from '../../src/app/ports.js';
import { makeSmppAdapter, type SmppCarrierConfig } from '../../src/carriers/smpp/adapter.js';
import { SmppKeys } from '../../src/carriers/smpp/config.js';
import type { LinkLog } from '../../src/carriers/smpp/link.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { recordEvents as events } from '../helpers/carrier-events.js';
import { type FakeSmsc, startFakeSmsc } from '../helpers/fake-smsc.js';

// The SMPP link's faults as the operator meets them: an SMSC that refuses the bind or cannot be
// reached at start, one that goes away and comes back. The adapter keeps retrying and says so in the
// log once per change of state, not once per attempt.
let smsc: FakeSmsc;
const open: CarrierAdapter[] = [];
const never = new AbortController().signal;
const sms: OutboundSms = { smsId: '1', from: '+420777000000', to: '+420601000001', body: 'hi' };

type Line = { level: 'warn' | 'info' | 'debug'; msg: string; fields: Record<string, unknown> };
function recordLog(): { log: LinkLog; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: Line['level']) => (fields: object, msg: string) =>
    lines.push({ level, msg, fields: fields as Record<string, unknown> });
  return { lines, log: { warn: at('warn'), info: at('info'), debug: at('debug') } };
}

async function adapter(over: Partial<SmppCarrierConfig> = {}, port = smsc.port) {
  const rec = recordLog();
  const cfg = withDefaults(SmppKeys, {
    name: 'smsc1',
    host: '127.0.0.1',
    port,
    systemId: 'textbridge',
    password: 'secret',
    reconnect: { minMs: 20, maxMs: 50, refusedMinMs: 100, refusedMaxMs: 200 },
    ...over,
  });
  const a = makeSmppAdapter(cfg, rec.log);
  open.push(a);
  await a.start!(events().carrierEvents);
  return { a, ...rec };
}

const downs = (lines: Line[]) =>
  lines.filter((l) => l.level === 'warn' && l.msg.startsWith('SMPP link down'));
const ups = (lines: Line[]) => lines.filter((l) => l.level === 'info' && l.msg === 'SMPP link up');

before(async () => {
  smsc = await startFakeSmsc();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close!()));
  smsc.refuseBind = undefined;
});
after(() => smsc.close());

test('a refused bind at start does not reject: the link is down, sends wait, and it binds once accepted', async () => {
  smsc.refuseBind = 0x0e; // ESME_RINVPASWD
  const attempts = smsc.bindAttempts;
  const { a, lines } = await adapter();
  assert.equal(a.link!(), 'down');
  assert.deepEqual(await a.send(sms, never), { ok: false, retryable: true, reason: 'SMPP link down' });
  const [down, ...more] = downs(lines);
  assert.equal(more.length, 0);
  assert.equal(down!.fields['carrier'], 'smsc1');
  assert.equal(down!.fields['smsc'], `127.0.0.1:${smsc.port}`);
  assert.equal(down!.fields['cause'], 'bind refused: ESME_RINVPASWD (0x0000000E)');
  assert.ok(!JSON.stringify(lines).includes('secret'), 'the password is never logged');

  // The refusal goes on: retried, but on the longer backoff, and logged down only once.
  await smsc.waitFor(() => smsc.bindAttempts >= attempts + 2);
  assert.equal(downs(lines).length, 1);
  assert.ok(
    lines.some((l) => l.level === 'debug'),
    'each further attempt at debug',
  );

  smsc.refuseBind = undefined;
  await smsc.waitFor(() => a.link!() === 'up');
  assert.equal(ups(lines).length, 1);
  assert.equal((await a.send(sms, never)).ok, true);
});

test('after a credential refusal the next bind waits the refused backoff, not the short one', async () => {
  smsc.refuseBind = 0x0f; // ESME_RINVSYSID
  const attempts = smsc.bindAttempts;
  const { lines } = await adapter({
    reconnect: { minMs: 10, maxMs: 20, refusedMinMs: 400, refusedMaxMs: 800 },
  });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(smsc.bindAttempts, attempts + 1, 'no second attempt within the short backoff');
  const retryIn = Number(downs(lines)[0]!.fields['retryInMs']);
  assert.ok(retryIn >= 200 && retryIn <= 400, `half to full refusedMinMs, got ${retryIn}`);
});

test('any other bind error is retried on the short backoff', async () => {
  smsc.refuseBind = 0x08; // ESME_RSYSERR: the SMSC's own trouble
  const attempts = smsc.bindAttempts;
  const { a, lines } = await adapter();
  await smsc.waitFor(() => smsc.bindAttempts >= attempts + 3, 1_000);
  assert.equal(downs(lines)[0]!.fields['cause'], 'bind refused: ESME_RSYSERR (0x00000008)');
  smsc.refuseBind = undefined;
  await smsc.waitFor(() => a.link!() === 'up');
});

test('an unreachable SMSC at start logs the link down with the socket error, and the link keeps trying', async () => {
  const gone = await startFakeSmsc();
  const port = gone.port;
  await gone.close();
  const { a, lines } = await adapter({}, port);
  assert.equal(a.link!(), 'connecting');
  const [down] = downs(lines);
  assert.match(String(down!.fields['cause']), /ECONNREFUSED/);
  assert.equal(down!.fields['smsc'], `127.0.0.1:${port}`);

  const back = await startFakeSmsc({ port });
  try {
    await back.waitFor(() => a.link!() === 'up');
    assert.equal(downs(lines).length, 1);
    assert.equal(ups(lines).length, 1);
  } finally {
    await Promise.all(open.splice(0).map((x) => x.close!()));
    await back.close();
  }
});

test('an SMSC killed and restarted gives one down line and one up line, however many attempts between', async () => {
  const first = await startFakeSmsc();
  const port = first.port;
  const { a, lines } = await adapter({}, port);
  assert.equal(ups(lines).length, 1, 'the first bind');
  await first.close();
  await first.waitFor(() => a.link!() !== 'up');
  // Several attempts fail while it is gone (20-50 ms apart).
  await new Promise((r) => setTimeout(r, 300));
  const second = await startFakeSmsc({ port });
  try {
    await second.waitFor(() => a.link!() === 'up');
    assert.equal(downs(lines).length, 1);
    assert.equal(ups(lines).length, 2, 'the first bind and the return');
    assert.ok(lines.filter((l) => l.level === 'debug').length >= 2, 'the attempts between, at debug');
    assert.equal((await a.send(sms, never)).ok, true);
  } finally {
    await Promise.all(open.splice(0).map((x) => x.close!()));
    await second.close();
  }
});

test('a link refused, then unreachable, shows down and then connecting, on the short backoff again', async () => {
  const own = await startFakeSmsc();
  own.refuseBind = 0x0e;
  const port = own.port;
  const { a, lines } = await adapter(
    { reconnect: { minMs: 20, maxMs: 50, refusedMinMs: 100, refusedMaxMs: 100 } },
    port,
  );
  assert.equal(a.link!(), 'down');
  await own.close();
  await own.waitFor(() => a.link!() === 'connecting', 2_000);
  const debug = lines.filter((l) => l.level === 'debug');
  await own.waitFor(() => lines.filter((l) => l.level === 'debug').length >= debug.length + 2, 1_000);
  const last = lines.at(-1)!;
  assert.match(String(last.fields['cause']), /ECONNREFUSED/);
  assert.ok(Number(last.fields['retryInMs']) <= 50, 'the short backoff, not the refused one');
  assert.equal(downs(lines).length, 1);
});
