import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/app/passwords.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PW = password('exact');

test('a password followed by NUL characters does not verify, though scrypt pads short keys with zeros', async () => {
  const stored = await hashPassword(PW);
  assert.equal(await verifyPassword(PW, stored), true);
  for (const n of [1, 2, 50])
    assert.equal(await verifyPassword(PW + '\u0000'.repeat(n), stored), false, `${n}`);
  await assert.rejects(hashPassword(`${PW}\u0000`), /NUL/);
});

let svc: TestService;
before(async () => {
  svc = await startTestService({ push: { enabled: false } });
});
after(() => svc?.close());

async function send(pw: string) {
  const res = await fetch(`${svc.url}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'gina', password: pw, to: '+15550000041', body: 'hi' }),
  });
  return `${res.status} ${await res.text()}`;
}

test('an account created with spaces around its password logs in as the server reads the password', async () => {
  await svc.admin.add({ username: 'gina', password: `  ${PW} `, numbers: ['+15550000040'], region: 'US' });
  await svc.admin.add({ username: 'hank', password: PW, numbers: ['+15550000041'], region: 'US' });
  assert.match(await send(PW), /^200 /);
  assert.match(await send(` ${PW}  `), /^200 /);
  assert.match(await send(`${PW}x`), /^401 /);
  await svc.admin.passwd('gina', ` ${PW}2 `);
  assert.match(await send(`${PW}2`), /^200 /);
  await assert.rejects(svc.admin.passwd('gina', '   '), /empty/);
});
