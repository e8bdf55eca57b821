/**
 * A read-only token in the console, on the admin listener: it sees the messages, accounts and
 * settings, every change control is disabled, and the API refuses a change made around the page.
 * Signing out forgets the token: the tab's session storage no longer holds it.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { findAccountByUsername } from '../../src/store/sql/accounts.js';
import { insertMessage } from '../../src/store/sql/messages.js';
import { adminToken } from '../helpers/admin.js';
import { newPage } from '../helpers/browser.js';
import { textMessage } from '../helpers/db.js';
import { reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const carrier = await startFakeHttpCarrier({ behaviour: () => reply.json(400, { message: 'no route' }) });
after(() => carrier.close());
const service = await startTestService({
  server: { adminPort: 0 },
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
});
after(() => service.close());
const token = await adminToken(service.config, 'grafana', true);
const PW = password('ro-alice');
await service.admin.add({ username: 'alice', password: PW, numbers: ['+15550001111'], region: 'US' });
const sent = await fetch(`${service.url}/send_message`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ from: 'alice', password: PW, to: '+15557654321', body: 'hi' }),
});
assert.equal(sent.status, 502, 'a failed message to look at');
const failedId = (await service.admin.messages({ status: 'failed', limit: 1 }))[0]!.id;
// Sixty more, so the search has a second page (50 a page).
const alice = (await findAccountByUsername(service.db.kysely, 'alice'))!.id;
for (let i = 0; i < 60; i++) {
  const m = { senderAccountId: alice, from: '+15550001111', to: `+1555765${4000 + i}`, body: `m${i}` };
  await insertMessage(service.db.kysely, { ...textMessage(m), status: 'sent' }, Date.now());
}

const page = await newPage();
const base = service.adminUrl!;

test('a read-only token signs in from the keyboard and pages through the messages', async () => {
  await page.goto(`${base}/console/`);
  await page.keyboard.type(token); // the token field has the focus
  await page.keyboard.press('Enter');
  await page.getByText('read-only', { exact: true }).waitFor();
  await page.goto(`${base}/console/#/messages`);
  await page.getByText(/^50 messages \(page 1\)/).waitFor();
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText(/^1\d messages \(page 2\)/).waitFor();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByText(/^50 messages \(page 1\)/).waitFor();
});

test('a read-only token sees everything with the change controls disabled', async () => {
  await page.goto(`${base}/console/#/messages/${failedId}`);
  await page.getByTestId('timeline').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Retry' }).isDisabled(), true);

  await page.goto(`${base}/console/#/accounts`);
  await page.getByTestId('accounts').waitFor();
  assert.match((await page.getByTestId('accounts').textContent()) ?? '', /alice/);
  assert.equal(await page.getByRole('button', { name: 'Create account' }).isDisabled(), true);
  assert.equal(await page.getByLabel('Username', { exact: true }).isDisabled(), true);

  await page.goto(`${base}/console/#/accounts/alice`);
  await page.getByRole('heading', { name: 'alice' }).waitFor();
  for (const name of [
    'Change password',
    'Change numbers',
    'Change region',
    'Change credit',
    'Delete account',
  ]) {
    assert.equal(await page.getByRole('button', { name }).isDisabled(), true, name);
  }

  await page.goto(`${base}/console/#/import`);
  assert.equal(await page.getByRole('button', { name: 'Import' }).isDisabled(), true);

  await page.goto(`${base}/console/#/settings`);
  await page.getByTestId('config').waitFor();
  assert.deepEqual(page.problems, []);
});

test('the API refuses a read-only token’s change made around the page', async () => {
  const answer = await page.evaluate<{ status: number; message: string }>(`(async () => {
    const token = sessionStorage.getItem('textbridge.adminToken');
    const res = await fetch('/admin/v1/messages/${failedId}/retry', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + token },
    });
    return { status: res.status, message: (await res.json()).message };
  })()`);
  assert.deepEqual(answer, { status: 403, message: 'The admin token grafana is read-only' });
  const still = await service.admin.messages({ status: 'failed', limit: 10 });
  assert.equal(still.length, 1, 'the message is still failed');
});

test('signing out forgets the token', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Admin token').waitFor();
  assert.equal(await page.evaluate<string | null>(`sessionStorage.getItem('textbridge.adminToken')`), null);
  await page.reload();
  await page.getByLabel('Admin token').waitFor();
});
