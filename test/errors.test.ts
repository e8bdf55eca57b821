import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidRecipient, SmsError } from '../src/errors.js';

test('invalid recipient uses the seed wording', () => {
  const e = invalidRecipient();
  assert.ok(e instanceof SmsError);
  assert.equal(e.code, 'SMS_ERR_INVALID_RECIPIENT');
  assert.equal(e.message, 'Invalid recipient');
});
