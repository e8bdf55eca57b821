/**
 * The console in headless Chromium against a real textbridge with real traffic: an operator signs in,
 * watches the dashboard count a burst of sends, finds a message the off-net carrier refused and reads
 * its timeline, retries it and sees it sent, creates an account and sends from it, and imports a file
 * with one bad line. The same run writes the docs' screenshots (docs/console/*.png).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { adminToken } from '../helpers/admin.js';
import { LAPTOP, newPage, PHONE, screenshot, signIn } from '../helpers/browser.js';
import { reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

/** The number the carrier refuses the first time it is asked, and accepts after. */
const REFUSED_ONCE = '+15557650000';
let refusals = 0;
const carrier = await startFakeHttpCarrier({
  behaviour: (req, n) => {
    if (req.body.includes(REFUSED_ONCE) && refusals++ === 0)
      return reply.json(400, { message: 'destination barred by the operator' });
    return reply.ok(`fake-${n}`);
  },
});
after(() => carrier.close());
const service = await startTestService({
  carriers: [
    {
      name: 'acme',
      type: 'http',
      method: 'POST',
      url: `${carrier.url}/send`,
      body: '{"to":"%to%","text":"%body%"}',
      timeoutMs: 2_000,
    },
  ],
  routes: [{ carrier: 'acme' }],
  delivery: { pollMs: 50 },
});
after(() => service.close());
const token = await adminToken(service.config, 'ops');
const PW = password('console-alice');
await service.admin.add({ username: 'alice', password: PW, numbers: ['+15550001111'], region: 'US' });

/** Screenshots only on the first engine's run: the pages look the same on both. */
const shots = process.env['TEXTBRIDGE_TEST_DATABASE_URL'] === undefined;
const shoot = async (page: Parameters<typeof screenshot>[0], name: string) => {
  if (shots) await screenshot(page, name);
};

async function send(from: string, pw: string, to: string, body: string) {
  const res = await fetch(`${service.url}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, password: pw, to, body }),
  });
  return { status: res.status, json: (await res.json()) as { sms_id?: string; message?: string } };
}

const page = await newPage(LAPTOP);
const base = service.url;

test('a wrong token is refused with the API’s message, and the right one signs in', async () => {
  await page.goto(`${base}/console/`);
  await shoot(page, 'sign-in-laptop');
  await page.getByLabel('Admin token').fill('tbat_not-a-real-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The admin token is not valid').waitFor();
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.equal(await page.getByTestId('who').textContent(), 'ops');
});

test('the dashboard counts a burst of sends without a reload', async () => {
  const out = page.locator('.chart').first().locator('[data-series="out"] strong');
  assert.equal(await out.textContent(), '0');
  for (let i = 0; i < 12; i++) {
    const r = await send('alice', PW, `+1555765${String(1000 + i)}`, `burst ${i}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  }
  await page
    .locator('.chart [data-series="out"] strong')
    .first()
    .filter({ hasText: /^12$/ })
    .waitFor({ timeout: 15_000 });
  assert.match((await page.locator('[data-carrier="acme"]').textContent()) ?? '', /acme/);
  await shoot(page, 'dashboard-laptop');
});

test('a failed off-net message is found by status and its timeline names the carrier’s answer', async () => {
  const r = await send('alice', PW, REFUSED_ONCE, 'hello');
  assert.equal(r.status, 502, 'the carrier refused it');
  await page.getByRole('link', { name: 'Messages' }).click();
  await page.getByLabel('Status').selectOption('failed');
  await page.getByRole('button', { name: 'Search' }).click();
  const row = page.locator('[data-testid="messages"] tbody tr');
  await page.getByText(/^1 message \(page 1\)/).waitFor();
  assert.equal(await row.count(), 1);
  assert.match((await row.textContent()) ?? '', /destination barred/);
  await shoot(page, 'messages-laptop');
  await row.getByRole('link').click();
  const timeline = page.getByTestId('timeline');
  await timeline.waitFor();
  const kinds = await timeline
    .locator('li')
    .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')));
  assert.ok(kinds.includes('accepted') && kinds.includes('attempt'), kinds.join(', '));
  assert.match((await timeline.textContent()) ?? '', /destination barred/);
  await shoot(page, 'message-laptop');
});

test('retrying the failed message sends it, and the page shows it sent', async () => {
  await page.getByRole('button', { name: 'Retry' }).click();
  await page
    .locator('[data-field="Status"]')
    .filter({ hasText: /^sent$/ })
    .waitFor({ timeout: 15_000 });
  assert.equal(refusals, 2, 'the carrier was asked again');
});

test('an account created in the console can send', async () => {
  await page.getByRole('link', { name: 'Accounts' }).click();
  const pw = password('console-bea');
  await page.getByLabel('Username', { exact: true }).fill('bea');
  await page.getByLabel('Password').fill(pw);
  await page.getByLabel('Numbers').fill('+15550002222');
  await page.getByLabel('Credit').fill('5');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'bea' }).waitFor();
  assert.equal(await page.locator('[data-field="Numbers"]').textContent(), '+15550002222');
  const r = await send('bea', pw, '+15557659999', 'from the console');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await shoot(page, 'account-laptop');
  await page.getByRole('link', { name: 'Accounts' }).first().click();
  await page.getByTestId('accounts').waitFor();
  await shoot(page, 'accounts-laptop');
});

test('an import with one bad line reports that line and imports the others', async () => {
  await page.getByRole('link', { name: 'Import' }).click();
  const file = [
    JSON.stringify({ username: 'cy', password: password('cy'), numbers: ['+15550003331'] }),
    JSON.stringify({ username: 'dee', password: password('dee'), numbers: ['+15550001111'] }),
    JSON.stringify({ username: 'eve', password: password('eve'), numbers: ['+15550003333'] }),
  ].join('\n');
  await page.getByLabel('File (JSON lines or CSV)').setInputFiles({
    name: 'accounts.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(file),
  });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByTestId('import-report').waitFor();
  const bad = await page
    .locator('[data-testid="import-report"] tr.bad')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-line')));
  assert.deepEqual(bad, ['2'], 'only the line whose number alice holds');
  assert.match((await page.locator('tr[data-line="2"]').textContent()) ?? '', /\+15550001111/);
  assert.ok(await service.admin.find('eve'), 'the lines after the bad one are imported');
  await shoot(page, 'import-laptop');
});

test('the carriers and settings pages show the carrier and the configuration', async () => {
  await page.getByRole('link', { name: 'Carriers' }).click();
  await page.locator('[data-carrier="acme"]').first().waitFor();
  await shoot(page, 'carriers-laptop');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByTestId('config').waitFor();
  assert.equal(
    await page.getByTestId('provision-url').textContent(),
    `${base}/provision?username=%username%&password=%password%`,
    'the app is on this origin: the console is on the main port here',
  );
  await shoot(page, 'settings-laptop');
  assert.deepEqual(page.problems, []);
});

test('every page fits a phone screen behind a menu that opens', async () => {
  const phone = await newPage(PHONE);
  await phone.goto(`${base}/console/`);
  await shoot(phone, 'sign-in-phone');
  await signIn(phone, base, token);
  const nav = phone.getByRole('navigation', { name: 'Console' });
  assert.equal(await nav.isVisible(), false, 'the nav is collapsed');
  await phone.getByRole('button', { name: 'Menu' }).click();
  assert.equal(await nav.isVisible(), true);
  await shoot(phone, 'nav-phone');
  await phone.getByRole('link', { name: 'Dashboard' }).click();
  const failed = (await service.admin.messages({ limit: 100 })).find((m) => m.to === REFUSED_ONCE)!;
  for (const [route, name] of [
    ['#/dashboard', 'dashboard'],
    ['#/messages', 'messages'],
    [`#/messages/${failed.id}`, 'message'],
    ['#/accounts', 'accounts'],
    ['#/accounts/bea', 'account'],
    ['#/import', 'import'],
    ['#/carriers', 'carriers'],
    ['#/settings', 'settings'],
  ] as const) {
    await phone.goto(`${base}/console/${route}`);
    await phone.locator('main h1').waitFor();
    const wide = await phone.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(wide <= 390, `${name}: the page is ${wide} px wide`);
    await shoot(phone, `${name}-phone`);
  }
  assert.deepEqual(phone.problems, []);
});

test('an account’s credit is changed and the account deleted with purge', async () => {
  await page.goto(`${base}/console/#/accounts/cy`);
  await page.getByRole('heading', { name: 'cy' }).waitFor();
  await page.getByLabel('Set, or add with + or -').fill('7.5');
  await page.getByRole('button', { name: 'Change credit' }).click();
  await page
    .locator('[data-field="Credit"]')
    .filter({ hasText: /^7\.5$/ })
    .waitFor();
  await page.getByLabel('Set, or add with + or -').fill('-2.5');
  await page.getByRole('button', { name: 'Change credit' }).click();
  await page.locator('[data-field="Credit"]').filter({ hasText: /^5$/ }).waitFor();
  await page.getByLabel('Add numbers').fill('+15550003339');
  await page.getByRole('button', { name: 'Change numbers' }).click();
  await page.locator('[data-field="Numbers"]').filter({ hasText: '+15550003339' }).waitFor();
  page.once('dialog', (d) => void d.accept());
  await page.getByLabel('Also delete its messages and media (purge)').check();
  await page.getByRole('button', { name: 'Delete account' }).click();
  await page.getByTestId('accounts').waitFor();
  assert.equal(await service.admin.find('cy'), undefined, 'the account is gone');
});
