import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accountXmlDocument,
  accountXmlFragment,
  SERVICES,
  TEMPLATE_STYLES,
} from '../../src/protocol/acrobits/account-xml.js';
import { parseAccountXml } from '../../src/protocol/acrobits/xml.js';

const BASE = 'https://sms.example.com/tb';
const keysOf = (xml: string) => new Map(parseAccountXml(xml).map((e) => [e.key, e.value]));

for (const style of TEMPLATE_STYLES) {
  test(`the ${style} Account XML parses as XML and points every service at its path`, () => {
    const keys = keysOf(accountXmlFragment(BASE, style));
    assert.equal(keys.get('allowMessage'), '1');
    for (const s of SERVICES) {
      const url = keys.get(`${s.prefix}Url`) ?? '';
      assert.ok(url.startsWith(`${BASE}${s.path}`), `${s.prefix}Url is ${url}`);
      if (style === 'get') {
        assert.equal(keys.get(`${s.prefix}PostData`), undefined);
        assert.match(url, /\?(from|username)=%account\[username\]%&password=%account\[password\]%/);
      } else {
        assert.equal(
          keys.get(`${s.prefix}ContentType`),
          style === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
        );
        assert.match(keys.get(`${s.prefix}PostData`) ?? '', /%account\[password\]%/);
      }
    }
  });
}

test('Send Message has the same body and content type under both of its key spellings', () => {
  for (const style of ['json', 'form'] as const) {
    const keys = keysOf(accountXmlFragment(BASE, style));
    assert.equal(keys.get('genericSmsPostData'), keys.get('genericSmsSendPostData'));
    assert.equal(keys.get('genericSmsContentType'), keys.get('genericSmsSendContentType'));
    assert.ok(keys.get('genericSmsPostData'));
  }
});

test('every & in a template is written &amp; in the XML', () => {
  const text = accountXmlFragment(BASE, 'get');
  assert.ok(text.includes('&amp;password=%account[password]%'));
  assert.doesNotMatch(text, /&(?!amp;)/);
});

test('the JSON templates are JSON once their placeholders are filled in', () => {
  const keys = keysOf(accountXmlFragment(BASE, 'json'));
  const body = JSON.parse((keys.get('genericRateCheckPostData') ?? '').replace(/%[^%]+%/g, 'x'));
  assert.deepEqual(Object.keys(body), ['username', 'password', 'targetNumber', 'smartUri']);
});

test('the provisioning document wraps the fragment in <account> after the given elements, escaped', () => {
  const doc = accountXmlDocument(accountXmlFragment(BASE), [
    ['title', 'Tom & Jerry'],
    ['username', 'tom<'],
  ]);
  assert.match(
    doc,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<account>\n {2}<title>Tom &amp; Jerry<\/title>\n/,
  );
  assert.ok(doc.endsWith('</account>\n'));
  const keys = keysOf(doc);
  assert.equal(keys.get('username'), 'tom<');
  assert.equal(keys.get('genericSmsFetchUrl'), `${BASE}/fetch_messages`);
});

test('the reader names the line and column of an unescaped &, a stray < and a mismatched tag', () => {
  const cases: Array<[string, RegExp]> = [
    ['<account>\n<a>1</a>\n<b>x=1&y=2</b>\n</account>', /line 3, column 7: an unescaped "&"/],
    ['<a>1 < 2</a>', /line 1, column 6: a "<" inside <a>/],
    ['<a>1</b>', /line 1, column 5: <a> is closed by <\/b>/],
    ['<a>1', /<a> is never closed/],
    ['<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', /DOCTYPE/],
  ];
  for (const [xml, why] of cases) assert.throws(() => parseAccountXml(xml), why, xml);
});

test('the reader decodes entities, character references and CDATA, and reads empty elements', () => {
  const entries = parseAccountXml('<a>&lt;&amp;&#x2B;&#43;&quot;<![CDATA[&<]]></a>\n<b/>');
  assert.deepEqual(
    entries.map((e) => [e.key, e.value, e.line]),
    [
      ['a', '<&++"&<', 1],
      ['b', '', 2],
    ],
  );
});
