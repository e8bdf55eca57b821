/**
 * The admin API's door: every call needs a bearer token made by the operator; none or a wrong one is
 * 401, a read-only token on a write is 403, a revoked token stops at once, repeated bad tokens from one
 * address are throttled; and the API is on its own loopback listener when `server.adminPort` is set.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { openAdmin } from '../../src/main/index.js';
import { adminCall, adminToken } from '../helpers/admin.js';
import { runTextbridge } from '../helpers/child.js';
import { freshDatabaseUrl } from '../helpers/pg.js';
import { password } from '../helpers/secrets.js';
import { startTestService, tempDir } from '../helpers/service.js';

const service = await startTestService({
  server: { adminPort: 0 },
  auth: { maxFailuresPerAddress: 5 },
});
after(() => service.close());
const base = service.adminUrl!;
const newAccount = (username: string) => ({ username, password: password(username), numbers: [] });

test('a call without a token, or with a wrong one, is refused with 401 and a JSON message', async () => {
  const none = await adminCall(base, undefined, 'GET', '/accounts');
  assert.equal(none.status, 401);
  assert.match(none.body.message, /Bearer/);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  const wrong = await adminCall(base, `tbat_${'x'.repeat(43)}`, 'GET', '/accounts');
  assert.equal(wrong.status, 401);
  assert.match(wrong.body.message, /not valid/);
  const created = await adminCall(base, undefined, 'POST', '/accounts', newAccount('nobody'));
  assert.equal(created.status, 401);
  assert.equal(await service.admin.find('nobody'), undefined);
});

test('a read-only token reads but is refused any write with 403, and the write does not happen', async () => {
  const token = await adminToken(service.config, 'viewer', true);
  const read = await adminCall(base, token, 'GET', '/accounts');
  assert.equal(read.status, 200);
  const write = await adminCall(base, token, 'POST', '/accounts', newAccount('ro-made'));
  assert.equal(write.status, 403);
  assert.match(write.body.message, /read-only/);
  assert.equal(await service.admin.find('ro-made'), undefined);
});

test('a read-write token writes; once revoked, the same token is refused at once', async () => {
  const token = await adminToken(service.config, 'ops');
  const made = await adminCall(base, token, 'POST', '/accounts', newAccount('rw-made'));
  assert.equal(made.status, 201, made.text);
  const admin = await openAdmin(service.config);
  try {
    await admin.tokens.revoke('ops');
  } finally {
    await admin.close();
  }
  assert.equal((await adminCall(base, token, 'GET', '/accounts')).status, 401);
});

test('the admin API is served only on the admin listener when one is configured', async () => {
  const token = await adminToken(service.config, 'listener');
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await adminCall(service.url, token, 'GET', '/accounts')).status, 404);
  assert.equal((await adminCall(base, token, 'GET', '/accounts')).status, 200);
});

test('without an admin listener the admin API is on the main port, behind the same tokens', async () => {
  const plain = await startTestService();
  try {
    assert.equal(plain.adminUrl, undefined);
    assert.equal((await adminCall(plain.url, undefined, 'GET', '/accounts')).status, 401);
    const token = await adminToken(plain.config, 'ops');
    assert.equal((await adminCall(plain.url, token, 'GET', '/accounts')).status, 200);
  } finally {
    await plain.close();
  }
});

test('repeated wrong tokens from one address are throttled with 429, even for a good token after', async () => {
  const own = await startTestService({ server: { adminPort: 0 }, auth: { maxFailuresPerAddress: 3 } });
  try {
    const token = await adminToken(own.config, 'ops');
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await adminCall(own.adminUrl!, `tbat_${'y'.repeat(43)}`, 'GET', '/accounts')).status,
        401,
      );
    }
    const blocked = await adminCall(own.adminUrl!, token, 'GET', '/accounts');
    assert.equal(blocked.status, 429);
    assert.match(blocked.body.message, /Too many/);
  } finally {
    await own.close();
  }
});

test('admin token create, list and revoke work from the command line, without a server', async () => {
  const env = { DATABASE_URL: await freshDatabaseUrl() };
  const dir = ['--data-dir', tempDir('tb-cli-token-')];
  const made = await runTextbridge(
    env,
    'admin',
    'token',
    'create',
    '--name',
    'ci',
    '--read-only',
    '--json',
    ...dir,
  );
  assert.equal(made.code, 0, made.stderr);
  const { token } = JSON.parse(made.stdout) as { token: string };
  assert.match(token, /^tbat_[A-Za-z0-9_-]{43}$/);
  const listed = await runTextbridge(env, 'admin', 'token', 'list', '--json', ...dir);
  assert.equal(listed.code, 0, listed.stderr);
  const list = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(
    list.map((t) => [t['name'], t['readOnly'], t['lastUsedAt']]),
    [['ci', true, null]],
  );
  assert.ok(!listed.stdout.includes(token.slice(5)), 'the list never shows the token');
  const revoked = await runTextbridge(env, 'admin', 'token', 'revoke', 'ci', ...dir);
  assert.equal(revoked.code, 0, revoked.stderr);
  const admin = await openAdmin(buildConfig({ databaseUrl: env.DATABASE_URL, dataDir: dir[1] }));
  try {
    assert.deepEqual(await admin.tokens.list(), []);
  } finally {
    await admin.close();
  }
});
