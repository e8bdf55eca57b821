import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefersXml, xmlError } from '../../src/protocol/acrobits/errors.js';
import { credentials, flag, mergeFields, parseBody, parseQuery } from '../../src/protocol/acrobits/fields.js';

test('a JSON body is recognised whatever the content type, even after leading whitespace', () => {
  assert.deepEqual(parseBody(Buffer.from('\n {"a": 1}'), 'text/plain'), { a: 1 });
});

test('a form body is recognised under a JSON content type only if it is not JSON-looking', () => {
  assert.deepEqual(parseBody(Buffer.from('a=1&b=%2B2'), 'application/json'), { a: '1', b: '+2' });
  assert.throws(() => parseBody(Buffer.from('{"a": '), 'application/json'), /not valid JSON/);
});

test('a body that is neither JSON nor form is ignored rather than refused', () => {
  assert.deepEqual(parseBody(Buffer.from('just text'), 'text/plain'), {});
});

test('keys are merged case-insensitively, later sources winning, values stringified', () => {
  const f = mergeFields(parseQuery('/x?From=q&BODY=one'), { body: 'two', smart: 1, x: null, o: { k: 1 } });
  assert.equal(f.get('from'), 'q');
  assert.equal(f.get('body'), 'two');
  assert.equal(f.get('smart'), '1');
  assert.equal(f.get('x'), '');
  assert.equal(f.get('o'), '{"k":1}');
});

test('credentials are trimmed and empty ones are absent', () => {
  assert.deepEqual(credentials(mergeFields({ cloud_username: ' u ', pass: '' })), {
    username: 'u',
    password: undefined,
  });
});

test('flags accept what templates send', () => {
  for (const v of ['1', 'true', 'YES', ' on ']) assert.equal(flag(v), true, v);
  for (const v of ['0', '', 'false', undefined]) assert.equal(flag(v), false, String(v));
});

test('XML errors are escaped and XML is preferred only when Accept says so', () => {
  assert.match(xmlError('a <b> & "c"'), /<message>a &#60;b&#62; &#38; &#34;c&#34;<\/message>/);
  assert.equal(prefersXml('text/xml'), true);
  assert.equal(prefersXml('application/json, text/xml;q=0.5'), false);
  assert.equal(prefersXml('*/*'), false);
  assert.equal(prefersXml(undefined), false);
});

test('a later source naming any alias of a field replaces every alias of it from the earlier ones', () => {
  const f = mergeFields(parseQuery('/x?password=q&from=q'), { cloud_password: 'b', user: 'b' });
  assert.deepEqual(credentials(f), { username: 'b', password: 'b' });
});

test('a NUL or an unpaired surrogate in a field name or value is refused, naming the field, not the value', () => {
  assert.throws(() => mergeFields({ body: 'a\u0000b' }), /"body".*not allowed/);
  assert.throws(() => mergeFields({ Selector: '\udfff' }), /"selector".*not allowed/);
  assert.throws(() => mergeFields({ 'x\u0000': 'v' }), /A field name/);
  assert.equal(mergeFields({ body: '\ud83d\ude00' }).get('body'), '\ud83d\ude00');
});
