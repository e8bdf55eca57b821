/**
 * The SMPP session's fast submit_sm_resp and deliver_sm decoders against the library's own decoder, on
 * the same bytes.
 * (The whole reader runs under every SMPP test: test/carriers/smpp*.test.ts, test/scenario/smpp*.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import smpp from 'smpp';
import { decodeDeliverSm, decodeSubmitSmResp } from '../../src/carriers/smpp/reader.js';

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

/** What `carriers/smpp/deliver.ts` reads of a deliver_sm (and the header the adapter answers with). */
const DELIVER_SM_FIELDS = [
  'command',
  'command_status',
  'sequence_number',
  'source_addr_ton',
  'source_addr_npi',
  'source_addr',
  'dest_addr_ton',
  'dest_addr_npi',
  'destination_addr',
  'esm_class',
  'data_coding',
  'receipted_message_id',
  'message_state',
  'sar_msg_ref_num',
  'sar_total_segments',
  'sar_segment_seqnum',
] as const;

const receiptText =
  'id:m42 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:';
const mo = { source_addr_ton: 1, source_addr_npi: 1, source_addr: '447700900123', dest_addr_ton: 1 };
const deliverCases: Array<[string, Record<string, unknown>]> = [
  ['a receipt in the text alone', { sequence_number: 3, esm_class: 4, short_message: receiptText }],
  [
    'a receipt with receipted_message_id and message_state',
    {
      sequence_number: 0x7fffffff,
      esm_class: 4,
      short_message: receiptText,
      receipted_message_id: '1A2F00',
      message_state: 2,
    },
  ],
  [
    'an MO part with SAR TLVs, addresses and a coding',
    {
      ...mo,
      sequence_number: 9,
      destination_addr: '12025550100',
      data_coding: 8,
      short_message: Buffer.from([0, 0x48, 0, 0x69]),
      sar_msg_ref_num: 0xbeef,
      sar_total_segments: 3,
      sar_segment_seqnum: 2,
    },
  ],
  [
    'an MO with a UDH, a TLV this decoder skips and message_payload',
    {
      ...mo,
      sequence_number: 10,
      destination_addr: 'Shop',
      esm_class: 0x40,
      short_message: Buffer.alloc(0),
      user_message_reference: 77,
      message_payload: Buffer.from('a longer text'),
    },
  ],
];

for (const [name, options] of deliverCases) {
  test(`deliver_sm, ${name}: the fields deliver.ts reads, as the library reads them`, () => {
    const bytes = new smpp.PDU('deliver_sm', options).toBuffer();
    const theirs = new smpp.PDU(bytes);
    const ours = decodeDeliverSm(bytes.subarray(4));
    assert.ok(ours, 'decoded here, not left to the library');
    for (const f of DELIVER_SM_FIELDS) assert.deepEqual(ours[f], theirs[f], f);
    assert.equal(ours.isResponse(), false);
    assert.deepEqual(
      (ours.response() as smpp.PDU).toBuffer(),
      (theirs.response() as smpp.PDU).toBuffer(),
      'the same answer',
    );
  });
}

test('a deliver_sm this decoder is not sure of is left to the library: truncated, or a string without its NUL', () => {
  const bytes = new smpp.PDU('deliver_sm', {
    sequence_number: 5,
    esm_class: 4,
    short_message: receiptText,
    receipted_message_id: 'm42',
  }).toBuffer();
  const body = bytes.subarray(4);
  assert.ok(decodeDeliverSm(body));
  // Cut inside short_message, then inside the TLVs' header, then the TLV's NUL taken away.
  assert.equal(decodeDeliverSm(body.subarray(0, 40)), null);
  assert.equal(decodeDeliverSm(body.subarray(0, body.length - 6)), null);
  const noNul = Buffer.from(body);
  noNul.writeUInt16BE(3, noNul.length - 6); // the TLV's length without its NUL
  assert.equal(decodeDeliverSm(noNul.subarray(0, noNul.length - 1)), null);
});
