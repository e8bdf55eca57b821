/**
 * `/provision` over real HTTP, as Cloud Softphone's external provisioning calls it
 * (https://doc.acrobits.net/provisioning/external_provisioning.html): the sign-in's credentials give an
 * `<account>` document with every service, and wrong ones a non-2xx with a message.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accountXmlFragment } from '../../src/protocol/acrobits/account-xml.js';
import { parseAccountXml } from '../../src/protocol/acrobits/xml.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
let bare: TestService;
const ALICE = password('prov-alice');

before(async () => {
  svc = await startTestService({
    server: { publicUrl: 'https://sms.example.com' },
    push: { enabled: false },
  });
  await svc.admin.add({ username: 'alice', password: ALICE, numbers: ['+15550000041'], region: 'US' });
  bare = await startTestService({ push: { enabled: false } });
  await bare.admin.add({ username: 'alice', password: ALICE, numbers: [], region: 'US' });
});
after(async () => {
  await svc.close();
  await bare.close();
});

const entries = (xml: string) => parseAccountXml(xml).map((e) => [e.key, e.value] as const);

test('the right credentials get an <account> document with every service under the public URL', async () => {
  const q = new URLSearchParams({ username: 'alice', password: ALICE });
  const res = await fetch(`${svc.url}/provision?${q}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/xml/);
  const text = await res.text();
  assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<account>\n/);
  assert.deepEqual(entries(text), [
    ['title', 'alice'],
    ['username', 'alice'],
    ['password', ALICE],
    ...entries(accountXmlFragment('https://sms.example.com', 'json')),
  ]);
});

test('a form POST with a style gets that style, and without a public URL the request host is used', async () => {
  const res = await fetch(`${bare.url}/provision`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'alice', password: ALICE, style: 'form' }).toString(),
  });
  assert.equal(res.status, 200);
  const keys = new Map(entries(await res.text()));
  assert.equal(keys.get('genericSmsSendUrl'), `${bare.url}/send_message`);
  assert.equal(keys.get('genericSmsPostData'), keys.get('genericSmsSendPostData'));
  assert.match(keys.get('genericSmsPostData') ?? '', /^from=%account\[username\]%&password=/);
});

test('wrong credentials are refused with a non-2xx and a message, and no configuration', async () => {
  for (const [u, p] of [
    ['alice', 'not-her-password'],
    ['nobody', ALICE],
    ['', ''],
  ] as const) {
    const res = await fetch(`${svc.url}/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: u, password: p }),
    });
    assert.equal(res.status, 401, `${u}`);
    const body = await res.text();
    assert.match(body, /<message>(Wrong username or password|Missing username or password)<\/message>/);
    assert.doesNotMatch(body, /genericSms/);
  }
});

test('an unknown style is refused by name', async () => {
  const q = new URLSearchParams({ username: 'alice', password: ALICE, style: 'soap' });
  const res = await fetch(`${svc.url}/provision?${q}`);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /Unknown style soap/);
});
