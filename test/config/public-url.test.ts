import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';

test('server.publicUrl is empty by default, loses a trailing slash, and may carry a path', () => {
  assert.equal(buildConfig({}).server.publicUrl, '');
  assert.equal(
    buildConfig({ server: { publicUrl: 'https://sms.example.com/' } }).server.publicUrl,
    'https://sms.example.com',
  );
  assert.equal(
    buildConfig({ server: { publicUrl: 'https://example.com/sms' } }).server.publicUrl,
    'https://example.com/sms',
  );
});

test('a server.publicUrl that is not an http or https URL is refused with its path', () => {
  for (const bad of ['sms.example.com', 'ftp://sms.example.com', 'https://', 'https://a b.example']) {
    assert.throws(() => buildConfig({ server: { publicUrl: bad } }), /server\.publicUrl/, bad);
  }
});
