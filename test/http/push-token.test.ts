import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('push-token');

before(async () => {
  svc = await startTestService({ push: { enabled: false } });
  await svc.admin.add({ username: 'dave', password: PW, numbers: ['+15550000010'], region: 'US' });
});
after(() => svc.close());

const rows = () =>
  svc.db.kysely.selectFrom('push_tokens').selectAll().orderBy('selector').execute() as Promise<
    Array<Record<string, unknown>>
  >;

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(svc.url + path, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text() };
}

test('a report by the doc variable names stores all three pairs for the selector', async () => {
  const q = new URLSearchParams({
    username: 'dave',
    password: PW,
    selector: 'AAAA:01',
    pushToken: 'legacy+/=',
    pushappid: 'com.example.app',
    pushTokenIncomingCall: 'voip-tok',
    pushappid_incoming_call: 'com.example.app.voip',
    pushTokenOther: 'other-tok',
    pushappid_other: 'com.example.app.msgs',
    installid: 'inst-1',
  });
  const r = await post(`/push_token?${q}`, '');
  assert.equal(r.status, 200);
  const [row] = await rows();
  assert.deepEqual(
    [row!['selector'], row!['installid'], row!['token'], row!['appid'], row!['token_calls']],
    ['AAAA:01', 'inst-1', 'legacy+/=', 'com.example.app', 'voip-tok'],
  );
  assert.deepEqual([row!['token_other'], row!['appid_other']], ['other-tok', 'com.example.app.msgs']);
});

test('the matrix2acrobits JSON template upserts the same selector, keys matched case-insensitively', async () => {
  const body = JSON.stringify({
    username: 'dave',
    password: PW,
    token_calls: 'voip-2',
    token_msgs: 'other-2',
    selector: 'AAAA:01',
    appId_calls: 'com.example.app.voip',
    appId_msgs: 'com.example.app.msgs2',
  });
  assert.equal((await post('/push_token', body, { 'content-type': 'text/plain' })).status, 200);
  const all = await rows();
  assert.equal(all.length, 1, 'one row per (account, selector)');
  assert.deepEqual(
    [all[0]!['token_calls'], all[0]!['token_other'], all[0]!['appid_other'], all[0]!['token']],
    ['voip-2', 'other-2', 'com.example.app.msgs2', null],
  );
});

test('an empty token is accepted with 200; a missing password is 401 and a missing selector 400', async () => {
  const ok = await post(
    '/push_token',
    JSON.stringify({ username: 'dave', password: PW, selector: 'BBBB:02', token_msgs: '' }),
  );
  assert.equal(ok.status, 200);
  assert.equal((await rows()).length, 2);
  assert.equal((await post('/push_token', JSON.stringify({ username: 'dave', selector: 'X' }))).status, 401);
  assert.equal((await post('/push_token', JSON.stringify({ username: 'dave', password: PW }))).status, 400);
});

test("account removal deletes the selector's tokens and answers 200 even when nothing matched", async () => {
  const body = JSON.stringify({ username: 'dave', password: PW, selector: 'BBBB:02' });
  assert.equal((await post('/account_removal', body)).status, 200);
  assert.deepEqual(
    (await rows()).map((r) => r['selector']),
    ['AAAA:01'],
  );
  assert.equal((await post('/account_removal', body)).status, 200, 'again: nothing matched, still 200');
  const byToken = new URLSearchParams({ username: 'dave', password: PW, pushTokenOther: 'other-2' });
  assert.equal((await post('/account_removal/', byToken.toString())).status, 200);
  assert.deepEqual(await rows(), [], 'without a selector, the reported token names the row');
});
