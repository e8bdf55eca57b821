import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveSmppConfig } from '../../src/carriers/smpp-config.js';
import { parseReceipt } from '../../src/carriers/smpp-receipt.js';
import { submitRefusal } from '../../src/carriers/smpp-status.js';

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
  const base = { name: 'smsc1', host: 'h', port: 2775, systemId: 'id', password: 'pw' };

  test('defaults are filled in and the result is frozen', () => {
    const c = resolveSmppConfig(base);
    assert.equal(c.window, 10);
    assert.deepEqual(c.dataCoding, { gsm7: 0, ucs2: 8 });
    assert.equal(c.split, true);
    assert.ok(Object.isFrozen(c));
  });

  test('a bad value fails naming its key', () => {
    assert.throws(() => resolveSmppConfig({ ...base, window: 0 }), /smsc1: window/);
    assert.throws(() => resolveSmppConfig({ ...base, reconnect: { minMs: 10, maxMs: 5 } }), /reconnect/);
  });
});
