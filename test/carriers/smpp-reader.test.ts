/**
 * The SMPP session's fast submit_sm_resp decoder against the library's own decoder, on the same bytes.
 * (The whole reader runs under every SMPP test: test/carriers/smpp*.test.ts, test/scenario/smpp*.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import smpp from 'smpp';
import { decodeSubmitSmResp } from '../../src/carriers/smpp/reader.js';

const cases: Array<[string, Record<string, unknown>]> = [
  ['an accepted submit with an id', { sequence_number: 7, message_id: 'abc-0001' }],
  ['a hex id', { sequence_number: 0x7ffffffe, message_id: '1A2B3C4D5E' }],
  ['an empty id', { sequence_number: 1, message_id: '' }],
  ['a refusal without a body', { sequence_number: 42, command_status: smpp.errors['ESME_RINVDSTADR'] }],
];

for (const [name, options] of cases) {
  test(`submit_sm_resp, ${name}: the same status, sequence and message_id as the library reads`, () => {
    const bytes = new smpp.PDU('submit_sm_resp', options).toBuffer();
    const theirs = new smpp.PDU(bytes);
    const ours = decodeSubmitSmResp(bytes.subarray(4));
    assert.equal(theirs.command, 'submit_sm_resp');
    assert.equal(ours.command_status, theirs.command_status);
    assert.equal(ours.sequence_number, theirs.sequence_number);
    assert.equal(ours.message_id, theirs['message_id']);
    assert.equal(ours.isResponse(), true);
  });
}

test('an id without its terminating NUL is read to the end of the PDU, as the library reads it', () => {
  const body = Buffer.concat([
    Buffer.from([0x80, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 9]),
    Buffer.from('no-nul', 'ascii'),
  ]);
  const whole = Buffer.concat([Buffer.from([0, 0, 0, body.length + 4]), body]);
  assert.equal(decodeSubmitSmResp(body).message_id, new smpp.PDU(whole)['message_id']);
  assert.equal(decodeSubmitSmResp(body).message_id, 'no-nul');
});
