/**
 * `textbridge doctor` against a live textbridge (real HTTP on loopback, a real store): on the Account
 * XML textbridge generates it sends, fetches, reports a push token and removes it, all green; on a
 * deliberately broken one it names each problem. The CLI runs once as a child process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { accountXmlFragment } from '../../src/protocol/acrobits/account-xml.js';
import {
  type DoctorCheck,
  formatReport,
  generatedAccountXml,
  runDoctor,
} from '../../src/simulator/doctor.js';
import { textbridgeArgs, writeConfigFile } from '../helpers/child.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService, tempDir } from '../helpers/service.js';

const PUBLIC = 'https://sms.example.com';
const ALICE = password('doctor-alice');
const BOB = password('doctor-bob');
let svc: TestService;

before(async () => {
  svc = await startTestService({
    server: { publicUrl: PUBLIC },
    push: { enabled: false },
    contacts: { show: 'all' },
  });
  await svc.admin.add({ username: 'alice', password: ALICE, numbers: ['+15550000051'], region: 'US' });
  await svc.admin.add({ username: 'bob', password: BOB, numbers: ['+15550000052'], region: 'US' });
});
after(() => svc.close());

const byName = (checks: DoctorCheck[]) => new Map(checks.map((c) => [c.check, c]));

test('the doctor sends, fetches, reports a push token, removes it, and reads balance, rate and contacts: all green', async () => {
  const xml = generatedAccountXml(PUBLIC);
  await svc.admin.credit('alice', undefined, '12.5');
  const sent = await runDoctor({ xml, username: 'alice', password: ALICE, url: svc.url, to: '+15550000052' });
  const checks = byName(sent.checks);
  assert.deepEqual(
    sent.checks.filter((c) => c.ok !== true).map((c) => `${c.check}: ${c.detail}`),
    [],
    'no lint finding, no failure, nothing skipped',
  );
  assert.equal(sent.ok, true);
  for (const name of [
    'XML',
    'Send Message',
    'Fetch Messages',
    'Push Token Reporter',
    'Account Removal Reporter',
    'Balance Checker',
    'Rate Checker',
    'Web Service Contacts',
  ]) {
    assert.equal(checks.get(name)?.ok, true, `${name}: ${checks.get(name)?.detail}`);
  }
  assert.match(checks.get('Balance Checker')!.detail, /USD 12\.50/);
  assert.match(checks.get('Rate Checker')!.detail, /USD 0/);
  const smsId = /^sms_id (\d+)$/.exec(checks.get('Send Message')!.detail)?.[1];
  assert.ok(smsId, checks.get('Send Message')!.detail);
  // The removal reporter took back the token the reporter stored.
  assert.deepEqual(await svc.db.kysely.selectFrom('push_tokens').selectAll().execute(), []);

  // Bob's phone fetches what the doctor sent as Alice.
  const fetched = await runDoctor({ xml, username: 'bob', password: BOB, url: svc.url, to: 'bob' });
  const fetch = byName(fetched.checks).get('Fetch Messages')!;
  assert.equal(fetch.ok, true, fetch.detail);
  const received = (fetch.data as { received: Array<{ smsId: string; text: string; peer: string }> })
    .received;
  assert.ok(received.some((m) => m.smsId === smsId && m.text === 'textbridge doctor: a test message'));
  assert.match(formatReport(fetched), new RegExp(`\\n {4}${smsId} from \\+15550000051: "textbridge doctor`));
});

test('the doctor shows the error text the phone would show for wrong credentials', async () => {
  const r = await runDoctor({
    xml: generatedAccountXml(PUBLIC),
    username: 'alice',
    password: 'wrong',
    url: svc.url,
  });
  const send = byName(r.checks).get('Send Message')!;
  assert.equal(send.ok, false);
  assert.equal(send.detail, 'HTTP 401, the phone shows "Wrong username or password"');
  assert.equal(r.ok, false);
});

test('the doctor names an unescaped & with its line and column', async () => {
  const xml = `<account>\n${accountXmlFragment(PUBLIC, 'get')}</account>`.replace(
    '/fetch_messages?username=%account[username]%&amp;',
    '/fetch_messages?username=%account[username]%&',
  );
  const r = await runDoctor({ xml, username: 'alice', password: ALICE, url: svc.url });
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.checks.map((c) => [c.check, c.ok]),
    [['XML', false]],
  );
  assert.match(
    r.checks[0]!.detail,
    /^Account XML line 4, column 88: an unescaped "&" \(write it as &amp;\)$/,
  );
});

test('the doctor names a post data without content type, one key spelling only, and a wrong URL', async () => {
  const xml = `<account>\n${accountXmlFragment(PUBLIC)}</account>`
    .replace(/<genericSmsFetchContentType>[^<]*<\/genericSmsFetchContentType>\n/, '')
    .replace(/<genericSmsSendContentType>[^<]*<\/genericSmsSendContentType>\n/, '')
    .replace('/push_token<', '/push_tokens<')
    .replace(/<accountRemovalReporter\w+>[^<]*<\/accountRemovalReporter\w+>\n/g, '')
    .replace(`${PUBLIC}/rate`, 'http://sms.example.com/rate');
  const r = await runDoctor({ xml, username: 'alice', password: ALICE, url: svc.url, to: 'bob' });
  const problems = r.checks.filter((c) => c.ok === false).map((c) => `${c.check}: ${c.detail}`);
  const expect = [
    /^Send Message: genericSmsContentType is set but genericSmsSendContentType is not/,
    /^Fetch Messages: genericSmsFetchPostData is set without genericSmsFetchContentType/,
    /^Rate Checker: genericRateCheckUrl is plain http/,
    /^Account Removal Reporter: pushTokenReporterUrl is set without accountRemovalReporterUrl/,
    /^Push Token Reporter: HTTP 404, the phone shows "Not found"$/,
    /^Account Removal Reporter: not configured/,
  ];
  for (const re of expect)
    assert.ok(
      problems.some((p) => re.test(p)),
      `${re} in\n${problems.join('\n')}`,
    );
  assert.equal(r.ok, false);
});

test('textbridge doctor runs as a command: one line per check, exit 1 unless all are green', async () => {
  const dir = tempDir('tb-doctor-');
  const config = writeConfigFile(dir, { server: { publicUrl: PUBLIC } });
  const args = ['doctor', '--username', 'alice', '--password', ALICE, '--url', svc.url, '--to', 'bob'];
  const run = promisify(execFile);
  const out = await run(process.execPath, textbridgeArgs(...args, '--config', config)).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  assert.match(out.stdout, /^✓ XML: \d+ elements$/m);
  assert.match(out.stdout, /^✓ Send Message: sms_id \d+$/m);
  assert.match(out.stdout, /^✓ Push Token Reporter: accepted$/m);
  assert.equal(out.code, /^✗/m.test(out.stdout) ? 1 : 0, out.stdout);
  assert.doesNotMatch(out.stdout, /Tb5ecret/, 'the password is never printed');

  const broken = path.join(dir, 'broken.xml');
  writeFileSync(
    broken,
    '<account>\n<allowMessage>1</allowMessage>\n<genericSmsSendUrl>https://x.example/?a=1&b=2</genericSmsSendUrl>\n</account>\n',
  );
  const json = await run(process.execPath, textbridgeArgs(...args, '--xml', broken, '--json')).catch(
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal((json as { code?: number }).code, 1);
  const report = JSON.parse(json.stdout) as { ok: boolean; checks: DoctorCheck[] };
  assert.equal(report.ok, false);
  assert.match(report.checks[0]!.detail, /line 3, column \d+: an unescaped "&"/);
});
