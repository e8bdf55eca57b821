/**
 * A full disk under the embedded store, for real: a small tmpfs mounted for the test (root only; the
 * test is skipped with the reason where mounting is not allowed, and on the PostgreSQL run, whose
 * fault mapping store/faults.test.ts covers).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService, tempDir } from '../helpers/service.js';

const PW = password('diskfull');
const mountPoint = tempDir('tb-small-');

/** Why the test cannot run here, or undefined when a small filesystem is mounted at `mountPoint`. */
function mountSmallFs(): string | undefined {
  if (process.env['TEXTBRIDGE_TEST_DATABASE_URL'])
    return 'the PostgreSQL run (a full disk is tested on SQLite)';
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `this machine does not allow mounting a tmpfs (${String((e as Error).message).split('\n')[0]})`;
  }
}
const skip = mountSmallFs();
let svc: TestService;

before(async () => {
  if (skip) return;
  svc = await startTestService({
    dataDir: path.join(mountPoint, 'data'),
    databaseUrl: undefined,
    carriers: [{ name: 'log', type: 'log' }],
    routes: [{ carrier: 'log' }],
    auth: { maxFailures: 1000, failureWindowMs: 60_000 },
  });
  await svc.admin.add({ username: 'filler', password: PW, numbers: ['+15550007777'], region: 'US' });
});
after(async () => {
  if (skip) return;
  await svc?.close().catch(() => {});
  execFileSync('umount', [mountPoint]);
});

/** Fill the filesystem up to the last byte; returns the filler's path. */
function fill(): string {
  const file = path.join(mountPoint, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = chunk.length; size >= 1; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          writeSync(fd, chunk, 0, size);
        } catch {
          break; // ENOSPC: try a smaller piece
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

const send = (body: string, pw = PW) =>
  sendJson(svc.url, { from: 'filler', password: pw, to: '+15557770000', body });
const ready = async () => (await fetch(`${svc.url}/readyz`)).status;

test('a full disk: sends answer 503 and store nothing, a wrong password stays 401, readiness is 503, one log line names the cause; all recover without a restart', {
  skip,
}, async () => {
  assert.equal((await send('before the disk fills')).status, 200);
  assert.equal(await ready(), 200);

  const filler = fill();
  let answers: number[];
  try {
    // Enough sends to need new pages (a WAL reused after a checkpoint may hold the first few).
    answers = [];
    for (let i = 0; i < 40; i++) {
      const r = await send(`while the disk is full ${i} ${'x'.repeat(300)}`);
      answers.push(r.status);
      if (r.status === 503) {
        assert.deepEqual(r.json(), { message: 'Service temporarily unavailable, message not sent' });
        break;
      }
    }
    assert.equal(answers.at(-1), 503, `sends answered ${answers.join(',')}`);
    assert.ok(
      answers.every((s) => s === 200 || s === 503),
      `sends answered ${answers.join(',')}`,
    );
    const stillFull = await Promise.all([1, 2, 3, 4, 5].map((i) => send(`burst ${i}`)));
    assert.deepEqual(
      stillFull.map((r) => r.status),
      [503, 503, 503, 503, 503],
    );
    assert.equal((await send('x', password('not-the-one'))).status, 401);
    assert.equal((await send('x', password('not-the-one'))).status, 401);
    const notReady = await fetch(`${svc.url}/readyz`);
    assert.equal(notReady.status, 503);
    const { message } = (await notReady.json()) as { message: string };
    assert.match(message, /store cannot write: disk full \(SQLITE_FULL\)/);
    assert.ok(!message.includes(mountPoint), 'readiness, answered to anyone, does not name the file');
  } finally {
    rmSync(filler);
  }

  // Recovery is asserted within a bound rather than at the first probe: once (a CI run with three
  // suites side by side) the first probe right after the space was freed still answered 503; its
  // answer is kept in the message so a failure says why.
  let last = { status: 0, message: '' };
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
    const r = await fetch(`${svc.url}/readyz`);
    last = { status: r.status, message: r.status === 200 ? '' : JSON.stringify(await r.json()) };
    if (r.status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(last.status, 200, `readiness recovers once there is room: ${last.message}`);
  assert.equal((await send('after the disk has room again')).status, 200);

  const bodies = (await svc.db.kysely.selectFrom('messages').select('body').execute()).map((m) => m.body);
  assert.ok(!bodies.some((b) => b.startsWith('burst ')), 'a send answered 503 stored nothing');
  assert.equal(bodies.filter((b) => b.startsWith('while the disk is full')).length, answers.length - 1);
  assert.ok(bodies.includes('after the disk has room again'));

  const log = readFileSync(svc.logFile, 'utf8');
  const causes = log.split('\n').filter((l) => l.includes('store cannot write: disk full (SQLITE_FULL) at '));
  assert.equal(causes.length, 1, `one line names the cause:\n${causes.join('\n')}`);
  assert.ok(causes[0]!.includes(path.join(mountPoint, 'data', 'textbridge.db')));
  assert.doesNotMatch(log, /cannot rollback/);
  assert.match(log, /store writes again/);
});
