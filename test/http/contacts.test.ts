/**
 * Web Service Contacts over real HTTP against a real store: the directory in the app's JSON, the
 * caller left out, which accounts appear per `contacts.show`, the answer bounded, and credentials
 * checked as for Send Message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sendGet, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

type Contact = {
  contactId: string;
  displayName: string;
  checksum: string;
  contactEntries: Array<{ uri: string }>;
};

const PEOPLE = [
  { username: 'ann', displayName: 'Ann Lee', group: 'sales', numbers: ['+15550008001', '+15550008002'] },
  { username: 'bob', group: 'sales', numbers: [] },
  { username: 'cat', displayName: 'Cat Wu', group: 'support', numbers: ['+15550008003'] },
  { username: 'dan', numbers: ['+15550008004'] },
  { username: 'eve', displayName: 'Eve', numbers: ['+15550008005'] },
];
const services: TestService[] = [];

async function start(contacts: Record<string, unknown> | undefined): Promise<TestService> {
  const svc = await startTestService(contacts ? { contacts } : {});
  services.push(svc);
  for (const p of PEOPLE) await svc.admin.add({ ...p, password: password(p.username), region: 'US' });
  return svc;
}

let all: TestService;
let grouped: TestService;
let none: TestService;

before(async () => {
  all = await start({ show: 'all', maxContacts: 3 });
  grouped = await start({ show: 'group' });
  none = await start(undefined);
});
after(() => Promise.all(services.map((s) => s.close())));

const contacts = async (svc: TestService, user: string) => {
  const res = await sendJson(svc.url, { username: user, password: password(user) }, '/contacts');
  assert.equal(res.status, 200, res.text);
  return (res.json() as { contacts: Contact[] }).contacts;
};
const names = (list: Contact[]) => list.map((c) => c.contactId);

describe('web service contacts', () => {
  test("each account is a contact in the app's JSON, byte for byte", async () => {
    const res = await sendGet(grouped.url, { username: 'bob', password: password('bob') }, '/contacts');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const ann = (res.json() as { contacts: Contact[] }).contacts[0]!;
    assert.equal(
      res.text,
      `{"contacts":[{"contactId":"ann","displayName":"Ann Lee","checksum":"${ann.checksum}","nick":"ann","contactEntries":[{"entryId":"tel:0","label":"work","type":"tel","uri":"+15550008001"},{"entryId":"tel:1","label":"work","type":"tel","uri":"+15550008002"}]}]}`,
    );
    assert.match(ann.checksum, /^[0-9A-F]{16}$/);
  });

  test('an account without numbers is reached by its username, and without a display name is shown by it', async () => {
    const [bob] = await contacts(grouped, 'ann');
    assert.deepEqual(bob, {
      contactId: 'bob',
      displayName: 'bob',
      checksum: bob!.checksum,
      nick: 'bob',
      contactEntries: [{ entryId: 'tel:0', label: 'username', type: 'tel', uri: 'bob' }],
    });
  });

  test('the checksum changes when the contact does', async () => {
    const before = (await contacts(grouped, 'bob'))[0]!.checksum;
    await grouped.admin.set('ann', { displayName: 'Ann Lee-Smith' });
    const changed = (await contacts(grouped, 'bob'))[0]!;
    assert.equal(changed.displayName, 'Ann Lee-Smith');
    assert.notEqual(changed.checksum, before);
    await grouped.admin.set('ann', { displayName: 'Ann Lee' });
    assert.equal((await contacts(grouped, 'bob'))[0]!.checksum, before);
  });

  test('"all" lists every other account by username, cut at maxContacts', async () => {
    assert.deepEqual(names(await contacts(all, 'ann')), ['bob', 'cat', 'dan']);
    assert.deepEqual(names(await contacts(all, 'cat')), ['ann', 'bob', 'dan']);
    assert.deepEqual(names(await contacts(all, 'eve')), ['ann', 'bob', 'cat']);
    assert.match(readFileSync(all.logFile, 'utf8'), /directory cut at contacts\.maxContacts/);
  });

  test('"group" lists the accounts of the caller\'s own group only; no group, no contacts', async () => {
    assert.deepEqual(names(await contacts(grouped, 'ann')), ['bob']);
    assert.deepEqual(names(await contacts(grouped, 'cat')), []);
    assert.deepEqual(names(await contacts(grouped, 'dan')), []);
    await grouped.admin.set('dan', { group: 'support' });
    assert.deepEqual(names(await contacts(grouped, 'dan')), ['cat']);
    assert.deepEqual(names(await contacts(grouped, 'cat')), ['dan']);
    await grouped.admin.set('dan', { group: '' });
    assert.deepEqual(names(await contacts(grouped, 'cat')), []);
  });

  test('"none", the default, lists nobody', async () => {
    const res = await sendJson(none.url, { username: 'ann', password: password('ann') }, '/contacts');
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"contacts":[]}');
  });

  test('wrong credentials are 401 with a message, whatever the setting', async () => {
    for (const svc of [all, none]) {
      const res = await sendJson(svc.url, { username: 'ann', password: 'wrong' }, '/contacts');
      assert.equal(res.status, 401);
      assert.deepEqual(res.json(), { message: 'Wrong username or password' });
    }
  });
});
