import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MASK,
  maskCredentials,
  maskNumber,
  maskNumbersIn,
  phoneReason,
  shortText,
} from '../../src/domain/redact.js';

test('a configured secret is masked wherever it appears, raw or URL-encoded', () => {
  const secret = 'p@ss/word+1';
  assert.equal(
    maskCredentials(`got ${secret} and ${encodeURIComponent(secret)}`, [secret]),
    `got ${MASK} and ${MASK}`,
  );
});

test('anything shaped like a credential is masked without being configured', () => {
  for (const [text, want] of [
    ['Authorization: Basic QUMxMjM0OnNlY3JldA== refused', `Authorization: Basic ${MASK} refused`],
    ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln is expired', `Bearer ${MASK} is expired`],
    ['{"api_key":"abc","secret":"xyz"}', `{"api_key":"${MASK}","secret":"${MASK}"}`],
    ['/send?token=abc123&to=1', `/send?token=${MASK}&to=1`],
    ['X-Api-Key: k-123 is unknown', `X-Api-Key: ${MASK} is unknown`],
    ['invalid api key 0123456789abcdef0123', `invalid api key ${MASK}`],
    ['key deadbeefdeadbeefdeadbeefdeadbeef00 revoked', `key ${MASK} revoked`],
  ]) {
    assert.equal(maskCredentials(text!), want);
  }
});

test("a carrier's plain sentence is left as it is", () => {
  for (const text of ['HTTP 400: Invalid destination number', 'Invalid token', 'Number barred (7)']) {
    assert.equal(maskCredentials(text), text);
  }
});

test('a long reason is cut on a word boundary with an ellipsis, within 100 characters', () => {
  const long = 'The destination network refused the message because the subscriber has opted out of '.repeat(
    3,
  );
  const short = shortText(long);
  assert.ok(short.length <= 100, short);
  assert.ok(short.endsWith('…'));
  assert.ok(long.startsWith(short.slice(0, -1)), 'a prefix of the text, whole words');
  assert.equal(shortText('fits\nas it is'), 'fits as it is');
});

test('what the phone is shown is masked before it is cut, so a cut never reveals half a secret', () => {
  const text = `${'word '.repeat(17)}password=hunter2hunter2 more`;
  assert.ok(!phoneReason(text).includes('hunter'));
});

test('a phone number in a log line keeps its first four characters and its last four digits', () => {
  assert.equal(maskNumber('+15551231234'), '+155***1234');
  assert.equal(maskNumber('+442071838750'), '+442***8750');
  assert.equal(maskNumber('5551234'), '***1234', 'a short number shows only its end');
  assert.equal(maskNumber('301'), '301', 'an extension stays whole');
  assert.equal(maskNumber(42), 42, 'not a string: left alone');
  assert.equal(maskNumber('Stranger'), 'Stranger', 'an alphanumeric sender is not a number');
  assert.equal(maskNumbersIn('/no/such/+15551231234/x/12'), '/no/such/+155***1234/x/12');
});
