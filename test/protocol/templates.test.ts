import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { answerFields, displayedError, readBalance, readRate } from '../../src/protocol/acrobits/app-view.js';
import { expandRequest, readServiceKeys } from '../../src/protocol/acrobits/templates.js';

const vars = { 'account[username]': 'al ice', 'account[password]': 'p&+%#="x', sms_body: 'a+b c' };
const keys = (entries: Record<string, string>) => new Map(Object.entries(entries));

test('a value is percent-encoded in the URL and a form body, JSON-escaped in a JSON body', () => {
  const get = readServiceKeys(
    keys({ sUrl: 'https://x.example/s?u=%account[username]%&p=%account[password]%' }),
    ['s'],
  )!;
  assert.deepEqual(expandRequest(get, vars), {
    method: 'GET',
    url: 'https://x.example/s?u=al%20ice&p=p%26%2B%25%23%3D%22x',
    headers: {},
  });
  const form = readServiceKeys(
    keys({ sUrl: 'https://x.example/s', sPostData: 'p=%account[password]%&b=%sms_body%' }),
    ['s'],
  )!;
  const f = expandRequest(form, vars);
  assert.equal(f.method, 'POST');
  assert.equal(f.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(f.body)), { p: 'p&+%#="x', b: 'a+b c' });
  const json = readServiceKeys(
    keys({
      sUrl: 'https://x.example/s',
      sContentType: 'application/json',
      sPostData: '{"p":"%account[password]%","n":"%none%"}',
    }),
    ['s'],
  )!;
  assert.deepEqual(JSON.parse(expandRequest(json, vars).body!), { p: 'p&+%#="x', n: '' });
});

test('the method is <Prefix>Method, else GET without post data and POST with it; GET sends no body', () => {
  const svc = readServiceKeys(keys({ sUrl: 'https://x.example/', sPostData: 'a=1', sMethod: 'get' }), ['s'])!;
  assert.deepEqual(expandRequest(svc, vars), { method: 'GET', url: 'https://x.example/', headers: {} });
  const put = readServiceKeys(
    keys({
      sUrl: 'https://x.example/',
      sPostData: 'a=1',
      sMethod: 'PUT',
      sCustomHeaders: 'X-A: 1\nX-B: two',
    }),
    ['s'],
  )!;
  assert.deepEqual(expandRequest(put, vars).headers, {
    'x-a': '1',
    'x-b': 'two',
    'content-type': 'application/x-www-form-urlencoded',
  });
});

test('the body and content type are read under the first prefix that sets them', () => {
  const svc = readServiceKeys(
    keys({ aUrl: 'https://x.example/', bPostData: 'x=1', bContentType: 'text/plain' }),
    ['a', 'b'],
  )!;
  assert.deepEqual([svc.postData, svc.contentType], ['x=1', 'text/plain']);
  assert.equal(readServiceKeys(keys({ bPostData: 'x=1' }), ['a', 'b']), undefined);
});

test('over plain http a checker gets asterisks for the password; %sha1(…)% is the hash of the value', () => {
  const tpl = 'p=%account[password]%&h=%sha1(%account[password]%)%';
  const plain = readServiceKeys(keys({ sUrl: 'http://x.example/', sPostData: tpl }), ['s'])!;
  const sha = createHash('sha1').update('p&+%#="x').digest('hex');
  assert.equal(
    expandRequest(plain, vars, true).body,
    `p=********&h=${createHash('sha1').update('********').digest('hex')}`,
  );
  assert.equal(expandRequest(plain, vars, false).body, `p=p%26%2B%25%23%3D%22x&h=${sha}`);
  const tls = readServiceKeys(keys({ sUrl: 'https://x.example/', sPostData: tpl }), ['s'])!;
  assert.equal(expandRequest(tls, vars, true).body, `p=p%26%2B%25%23%3D%22x&h=${sha}`);
});

test('the phone shows the message field of an error, or the first 100 characters of the body', () => {
  assert.equal(displayedError('{"message":"Not enough credit"}'), 'Not enough credit');
  assert.equal(
    displayedError('<response><message>Invalid recipient</message></response>'),
    'Invalid recipient',
  );
  assert.equal(displayedError(`<html>${'x'.repeat(200)}`), `<html>${'x'.repeat(94)}`);
  assert.equal(answerFields('[1]'), undefined);
});

test('balance and rate are read from JSON or XML answers, and not when the answer says error', () => {
  assert.equal(readBalance('{"balanceString":"$60.20","balance":60.2}'), '$60.20');
  assert.equal(
    readBalance('<response><error>0</error><balanceString>$60.20</balanceString></response>'),
    '$60.20',
  );
  assert.equal(
    readBalance('<response><error>1</error><balanceString>$1</balanceString></response>'),
    undefined,
  );
  assert.equal(readRate('{"callRateString":"1¢ / min","messageRateString":"5¢"}'), '5¢');
  assert.equal(readRate('{"rateString":"3¢"}'), '3¢');
});
