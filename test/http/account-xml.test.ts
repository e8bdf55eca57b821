/**
 * The README's Account XML fragment works as written: each service's URL, content type and body
 * template, filled in the way the app fills them (https://doc.acrobits.net/api/client/intro.html; a
 * value in a JSON template JSON-escaped),
 * and sent to a real service, gets the answer the app expects. A template the README gets wrong (a
 * field name textbridge does not read, a path it does not serve) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { accountXmlFragment } from '../../src/protocol/acrobits/account-xml.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const README = readFileSync('README.md', 'utf8');
const start = README.indexOf('All services in one Account XML fragment');
const block = README.slice(README.indexOf('```xml', start) + 6, README.indexOf('```\n', start + 10));
const keys = new Map(
  [...block.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1]!, m[2]!.replaceAll('&amp;', '&')]),
);

let svc: TestService;
const ALICE = password('xml-alice');
const BOB = password('xml-bob');

before(async () => {
  svc = await startTestService({
    push: { enabled: false },
    rates: { default: 0.01, onNet: 0.002 },
    contacts: { show: 'all' },
  });
  await svc.admin.add({ username: 'alice', password: ALICE, numbers: ['+15550000031'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB, numbers: ['+15550000032'], region: 'US' });
});
after(() => svc.close());

/** Call the service configured under `prefix`, its template filled with `vars` as the app would. */
async function call(prefix: string, vars: Record<string, string>) {
  const url = keys.get(`${prefix}Url`);
  const body = keys.get(`${prefix}PostData`);
  const type = keys.get(`${prefix}ContentType`);
  assert.ok(url && body && type, `the README sets ${prefix}Url, ${prefix}PostData and ${prefix}ContentType`);
  // The app JSON-escapes what it puts into a JSON template (the passwords here carry `"`).
  const fill = (t: string) =>
    t.replace(/%([^%]+)%/g, (_, name: string) => JSON.stringify(vars[name] ?? '').slice(1, -1));
  const res = await fetch(url.replace('https://sms.example.com', svc.url), {
    method: 'POST',
    headers: { 'content-type': type },
    body: fill(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const as = (user: string, pw: string) => ({ 'account[username]': user, 'account[password]': pw });

test('the README block is the fragment textbridge generates for https://sms.example.com', () => {
  assert.ok(start > 0, 'the README introduces its Account XML block');
  assert.equal(block.trimStart(), accountXmlFragment('https://sms.example.com', 'json'));
});

test('the README sets the same Send Message template under both prefixes', () => {
  assert.equal(keys.get('genericSmsPostData'), keys.get('genericSmsSendPostData'));
  assert.equal(keys.get('genericSmsContentType'), keys.get('genericSmsSendContentType'));
});

test("the README's templates send, fetch, report a push token and remove it", async () => {
  const sent = await call('genericSmsSend', {
    ...as('alice', ALICE),
    sms_to: '+15550000032',
    sms_body: 'Hello from the README',
    content_type: 'text/plain',
    disposition_notification: '',
  });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));
  assert.match(String(sent.json['sms_id']), /^\d+$/);

  const fetched = await call('genericSmsFetch', {
    ...as('bob', BOB),
    last_known_sms_id: '',
    last_known_sent_sms_id: '',
    installid: 'bob-phone',
  });
  assert.equal(fetched.status, 200);
  const received = fetched.json['received_smss'] as Array<{ sms_id: string; sms_text: string }>;
  assert.deepEqual(
    received.map((m) => [m.sms_id, m.sms_text]),
    [[sent.json['sms_id'], 'Hello from the README']],
  );

  const device = {
    ...as('bob', BOB),
    selector: 'bob:1',
    pushTokenIncomingCall: 'voip-token',
    pushappid_incoming_call: 'com.example.voip',
    pushTokenOther: 'msg-token',
    pushappid_other: 'com.example.msgs',
    installid: 'bob-phone',
  };
  assert.equal((await call('pushTokenReporter', device)).status, 200);
  const tokens = () =>
    svc.db.kysely.selectFrom('push_tokens').select(['selector', 'token_other as other']).execute();
  assert.deepEqual(await tokens(), [{ selector: 'bob:1', other: 'msg-token' }]);

  assert.equal((await call('accountRemovalReporter', device)).status, 200);
  assert.deepEqual(await tokens(), []);
});

test("the README's balance template reads the account's credit", async () => {
  await svc.admin.credit('alice', undefined, '12.5');
  const res = await call('genericBalanceCheck', as('alice', ALICE));
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { balanceString: 'USD 12.50', balance: 12.5, currency: 'USD' });
});

test("the README's rate template prices the number being typed, on-net included", async () => {
  const off = await call('genericRateCheck', {
    ...as('alice', ALICE),
    targetNumber: '+15557770000',
    smartUri: '',
  });
  assert.equal(off.status, 200);
  assert.deepEqual(off.json, { messageRateString: 'USD 0.01' });
  const on = await call('genericRateCheck', {
    ...as('alice', ALICE),
    targetNumber: '+15550000032',
    smartUri: 'sip:bob@sip.example.com',
  });
  assert.deepEqual(on.json, { messageRateString: 'USD 0.002', smartMessageRateString: 'USD 0.002' });
});

test("the README's contacts template lists the other accounts", async () => {
  const res = await call('wsContacts', as('alice', ALICE));
  assert.equal(res.status, 200);
  const contacts = res.json['contacts'] as Array<{
    contactId: string;
    contactEntries: Array<{ uri: string }>;
  }>;
  assert.deepEqual(
    contacts.map((c) => [c.contactId, c.contactEntries.map((e) => e.uri)]),
    [['bob', ['+15550000032']]],
  );
});
