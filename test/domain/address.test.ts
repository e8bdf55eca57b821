import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAddress, isKnownRegion, parseAddress } from '../../src/domain/address.js';

const cases: Array<[string, string, string | undefined]> = [
  ['+1(555)123-1234', 'US', '+15551231234'],
  ['555-123-1234', 'US', '+15551231234'],
  ['15551231234', 'US', '+15551231234'],
  [' 15551231234', 'US', '+15551231234'],
  ['0044 20 7946 0018', 'US', '+442079460018'],
  ['011 44 20 7946 0018', 'US', '+442079460018'],
  ['020 7946 0018', 'GB', '+442079460018'],
  ['447946001800', 'US', '+447946001800'],
  ['tel:+15551231234', 'US', '+15551231234'],
  ['201', 'US', '201'],
  ['sip:alice@Example.COM;transport=tcp', 'US', 'alice@example.com'],
  ['alice@example.com', 'US', 'alice@example.com'],
  ['<sip:alice@example.com>', 'US', undefined],
  ['bob', 'US', 'bob'],
  ['', 'US', undefined],
  ['   ', 'US', undefined],
  ['+', 'US', undefined],
  ['abc def', 'US', undefined],
  ['123456789012345678', 'US', undefined],
];

for (const [raw, region, expected] of cases) {
  test(`"${raw}" (${region}) parses to ${expected ?? 'nothing'}`, () => {
    const a = parseAddress(raw, region);
    assert.equal(a && formatAddress(a), expected);
  });
}

test('a short digit string is a short address, not a phone number', () => {
  assert.deepEqual(parseAddress('12345', 'US'), { kind: 'short', digits: '12345' });
});

test('regions are two-letter codes libphonenumber knows', () => {
  assert.equal(isKnownRegion('US'), true);
  assert.equal(isKnownRegion('GB'), true);
  assert.equal(isKnownRegion('XX'), false);
  assert.equal(isKnownRegion('usa'), false);
});
