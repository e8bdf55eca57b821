import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import smpp from 'smpp';
import { encodeDeliverSmResp, encodeSubmitSm, type SubmitSmFields } from '../../src/carriers/smpp/pdu.js';
import { otherIdSpellings, parseReceipt } from '../../src/carriers/smpp/receipt.js';
import { submitRefusal } from '../../src/carriers/smpp/status.js';
import { buildConfig } from '../../src/config/index.js';
import { concatUdh, encodeGsm7, encodeUcs2 } from '../../src/domain/segments.js';

describe('receipt text', () => {
  test('a DELIVRD receipt is delivered with its done date', () => {
    const r = parseReceipt(
      'id:7F3A sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello',
    );
    assert.deepEqual(r, {
      messageId: '7F3A',
      stat: 'DELIVRD',
      err: '000',
      status: 'delivered',
      doneAt: Date.UTC(2025, 0, 1, 12, 1),
    });
  });

  test('UNDELIV, REJECTD, EXPIRED and DELETED are failures; ACCEPTD and ENROUTE are ignored', () => {
    for (const stat of ['UNDELIV', 'REJECTD', 'EXPIRED', 'DELETED']) {
      assert.equal(parseReceipt(`id:1 stat:${stat} err:001`)?.status, 'failed', stat);
    }
    for (const stat of ['ACCEPTD', 'ENROUTE']) assert.equal(parseReceipt(`id:1 stat:${stat}`)?.status, null);
  });

  test('text without an id and without the TLV is not a receipt', () => {
    assert.equal(parseReceipt('hello there'), null);
  });
});

describe('submit_sm_resp status map', () => {
  test('queue full and system error are retryable; barred and unknown codes are permanent', () => {
    assert.equal(submitRefusal(0x14).retryable, true);
    assert.equal(submitRefusal(0x08).retryable, true);
    assert.deepEqual(submitRefusal(0x0a), {
      retryable: false,
      kind: 'rejected',
      reason: 'SMSC refused: ESME_RINVSRCADR (0x0000000A)',
    });
    assert.deepEqual(submitRefusal(0x0101), {
      retryable: false,
      kind: 'blocked',
      reason: 'SMSC refused: ESME_RPROHIBITED (0x00000101)',
    });
    assert.deepEqual(submitRefusal(0x0400), {
      retryable: false,
      kind: 'rejected',
      reason: 'SMSC refused: 0x00000400',
    });
  });
});

describe('SMPP config', () => {
  const base = { name: 'smsc1', type: 'smpp', host: 'h', port: 2775, systemId: 'id', password: 'pw' };
  const smsc = (over: Record<string, unknown> = {}) =>
    buildConfig({ carriers: [{ ...base, ...over }] }).carriers[0];

  test('defaults are filled in and the result is frozen', () => {
    const c = smsc();
    assert.ok(c?.type === 'smpp');
    assert.equal(c.window, 10);
    assert.deepEqual(c.dataCoding, { gsm7: 0, ucs2: 8 });
    assert.equal(c.split, true);
    assert.ok(Object.isFrozen(c));
  });

  test('a bad value fails naming its key', () => {
    assert.throws(() => smsc({ window: 0 }), /carriers\[0\]\.window must be a whole number from 1 to 10000/);
    assert.throws(
      () => smsc({ reconnect: { minMs: 10, maxMs: 5 } }),
      /carriers\[0\]\.reconnect\.minMs must not exceed reconnect\.maxMs/,
    );
    assert.throws(
      () => smsc({ password: 'longer-than-8' }),
      /carriers\[0\]\.password must be at most 8 octets/,
    );
  });
});

describe('submit_sm encoding', () => {
  const base: SubmitSmFields = {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '420777000000',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: '420601000001',
    esm_class: 0,
    registered_delivery: 1,
    data_coding: 0,
    short_message: encodeGsm7('hello'),
  };
  const cases: Array<[string, SubmitSmFields]> = [
    ['a GSM text', base],
    ['an alphanumeric sender', { ...base, source_addr_ton: 5, source_addr_npi: 0, source_addr: 'Shop' }],
    [
      'a UCS-2 part with a UDH',
      {
        ...base,
        esm_class: 0x40,
        data_coding: 8,
        short_message: Buffer.concat([concatUdh(7, 2, 1), encodeUcs2('dobrý den 👋')]),
      },
    ],
    [
      'message_payload with an empty short_message',
      { ...base, short_message: Buffer.alloc(0), message_payload: encodeGsm7('x'.repeat(300)) },
    ],
  ];
  for (const [name, fields] of cases) {
    test(`${name}: the same bytes as smpp 0.5 builds`, () => {
      const seq = 0x01020304;
      const theirs = new smpp.PDU('submit_sm', { ...fields, sequence_number: seq }).toBuffer();
      assert.deepEqual(encodeSubmitSm(fields, seq), theirs);
    });
  }
});

test('deliver_sm_resp, accepted or refused: the same bytes as smpp 0.5 builds, and it reads them back', () => {
  const seq = 0x7fff_fffe;
  const deliverSm = new smpp.PDU('deliver_sm', { sequence_number: seq, short_message: 'id:1 stat:DELIVRD' });
  for (const status of [0, 0x08]) {
    const theirs = (
      deliverSm.response(status === 0 ? {} : { command_status: status }) as smpp.PDU
    ).toBuffer();
    const ours = encodeDeliverSmResp(seq, status);
    assert.deepEqual(ours, theirs, `status ${status}`);
    const read = new smpp.PDU(ours);
    assert.equal(read.command, 'deliver_sm_resp');
    assert.equal(read.command_status, status);
    assert.equal(read.sequence_number, seq);
  }
});

test('a receipt id is also tried in the other base: decimal as hex, hex as decimal', () => {
  assert.deepEqual(otherIdSpellings('1715968'), ['1A2F00', '1a2f00', '24205672']);
  assert.deepEqual(otherIdSpellings('1A2F00'), ['1715968']);
  assert.deepEqual(otherIdSpellings('00ff'), ['255']);
  // Far beyond 2^53: still exact.
  assert.deepEqual(otherIdSpellings('FFFFFFFFFFFFFFFFFF'), ['4722366482869645213695']);
  assert.deepEqual(otherIdSpellings('msg-7'), []);
  assert.deepEqual(otherIdSpellings(''), []);
});
