/**
 * Accounts brought from another system with their password hashes: a SIP digest HA1, a bcrypt hash and
 * an scrypt hash (PHC string) log in over real HTTP with the right password and are refused with a
 * wrong one. The hashes were made outside textbridge: HA1 and scrypt with Python's hashlib, bcrypt
 * with the C library's crypt(3) (libxcrypt).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyPassword } from '../../src/app/passwords.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** MD5("ivy:sip.example.net:" + password('ha')). */
const HA1_IVY = 'df1f2c8cb239e2a3439c753a9a375acd';
/** MD5("1001:pbx.example.org:" + password('ha2')): the SIP username differs from textbridge's. */
const HA1_SIP_1001 = '6359EFE62C253E9A9837373C04CD9C4D';
/** crypt(password('bc'), "$2b$06$textbridgeImportSaltA."). */
const BCRYPT = '$2b$06$textbridgeImportSaltA.W4DU6a55k.F8heyQF29HKWUnoVrghlC';
/** hashlib.scrypt(password('sc'), salt=b'textbridge-salt!', n=1024, r=8, p=1, dklen=32). */
const SCRYPT = '$scrypt$ln=10,r=8,p=1$dGV4dGJyaWRnZS1zYWx0IQ$PlrxC1bxZMLy+xc/cjElZXvs/5Ks455sVauetqdWYoM';

let svc: TestService;
before(async () => {
  svc = await startTestService({ push: { enabled: false } });
  const common = { numbers: [] as string[], region: 'US' };
  await svc.admin.add({ username: 'ivy', hash: { ha1: HA1_IVY, realm: 'sip.example.net' }, ...common });
  await svc.admin.add({
    username: 'jill',
    hash: { ha1: HA1_SIP_1001, realm: 'pbx.example.org', sipUsername: '1001' },
    ...common,
  });
  await svc.admin.add({ username: 'kim', hash: { bcrypt: BCRYPT }, ...common });
  await svc.admin.add({ username: 'lou', hash: { scrypt: SCRYPT }, ...common });
  await svc.admin.add({
    username: 'max',
    password: password('max'),
    numbers: ['+15550000051'],
    region: 'US',
  });
});
after(() => svc?.close());

async function send(from: string, pw: string): Promise<string> {
  const res = await fetch(`${svc.url}/send_message`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ from, password: pw, to: '+15550000051', body: 'hi' }).toString(),
  });
  return `${res.status} ${await res.text()}`;
}

for (const [user, label, kind] of [
  ['ivy', 'ha', 'an HA1 hash'],
  ['jill', 'ha2', 'an HA1 hash made for another SIP username'],
  ['kim', 'bc', 'a bcrypt hash'],
  ['lou', 'sc', 'an scrypt hash in the PHC format'],
] as const) {
  test(`an account imported with ${kind} sends with the right password and gets 401 with a wrong one`, async () => {
    assert.match(await send(user, password(label)), /^200 \{"sms_id":/);
    assert.match(await send(user, ` ${password(label)} `), /^200 /, 'spaces around are trimmed');
    assert.match(await send(user, `${password(label)}x`), /^401 /);
    assert.match(await send(user, password('other')), /^401 /);
  });
}

test('an HA1 hash is bound to its realm and SIP username', async () => {
  const stored = `ha1$sip.example.net$${HA1_IVY}`;
  assert.equal(await verifyPassword(password('ha'), stored, 'ivy'), true);
  assert.equal(await verifyPassword(password('ha'), stored, 'ivy2'), false);
  assert.equal(await verifyPassword(password('ha'), `ha1$other.realm$${HA1_IVY}`, 'ivy'), false);
});

test('the scrypt vector of RFC 7914 section 12 verifies as a PHC string', async () => {
  const phc =
    '$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA';
  assert.equal(await verifyPassword('password', phc), true);
  assert.equal(await verifyPassword('passwore', phc), false);
});

test('a malformed or unusable imported hash is refused when the account is added, with the reason', async () => {
  const add = (hash: Parameters<TestService['admin']['add']>[0]['hash']) =>
    svc.admin.add({ username: 'nat', ...(hash ? { hash } : {}), numbers: [], region: 'US' });
  await assert.rejects(add({ ha1: 'abc', realm: 'r' }), /32 hexadecimal/);
  await assert.rejects(add({ ha1: HA1_IVY, realm: ' ' }), /realm/);
  await assert.rejects(
    add({ bcrypt: '$2x$05$CCCCCCCCCCCCCCCCCCCCC.Xn7FSvv79c6bu/kgV/.kBlx/ChE9.FW' }),
    /bcrypt/,
  );
  await assert.rejects(add({ bcrypt: BCRYPT.replace('$06$', '$20$') }), /cost/);
  await assert.rejects(add({ scrypt: SCRYPT.replace('ln=10', 'ln=30') }), /scrypt/);
  await assert.rejects(add(undefined), /exactly one/);
  await assert.rejects(
    svc.admin.add({ username: 'nat', password: 'x', hash: { bcrypt: BCRYPT }, numbers: [], region: 'US' }),
    /exactly one/,
  );
});
