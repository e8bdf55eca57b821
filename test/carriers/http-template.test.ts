import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { OutboundSms } from '../../src/app/ports.js';
import { expandHeader, expandTemplate } from '../../src/carriers/http/template.js';

const sms = (body: string): OutboundSms => ({ smsId: '1', from: '+1', to: '+2', body });

test('any text survives a JSON body template and a form body template unchanged', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (body) => {
      const json = JSON.parse(expandTemplate('{"t":"%body%","to":"%to%"}', sms(body), 'json'));
      assert.equal(json.t, body);
      assert.equal(new URLSearchParams(expandTemplate('t=%body%&to=%to%', sms(body), 'form')).get('t'), body);
    }),
    { numRuns: 300 },
  );
});

test('a lone surrogate does not throw in a URL and becomes U+FFFD', () => {
  const url = expandTemplate('http://x/?t=%body%', sms('a\uD800b'), 'url');
  assert.equal(new URL(url).searchParams.get('t'), 'a\uFFFDb');
});

test('any text survives a header template percent-encoded, as visible ASCII only', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (body) => {
      const value = expandHeader('%body%', sms(body), 'percent');
      assert.match(value, /^[A-Za-z0-9%._~-]*$/);
      assert.equal(decodeURIComponent(value), body);
    }),
    { numRuns: 300 },
  );
});
