/** A push job is enqueued with an on-net message only for a recipient with a reporting device. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';
import { sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PW = password('devices');
let svc: TestService;
let push: FakePush;

before(async () => {
  push = await startFakePush();
  svc = await startTestService({ push: { url: push.url }, delivery: { pollMs: 20 } });
  await svc.admin.add({ username: 'sam', password: PW, numbers: ['+15550000401'], region: 'US' });
  await svc.admin.add({ username: 'tia', password: PW, numbers: ['+15550000402'], region: 'US' });
});
after(async () => {
  await svc.close();
  await push.close();
});

const pushJobs = async (refId: number) =>
  (
    await svc.db.kysely
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', 'push')
      .where('ref_id', '=', refId)
      .execute()
  ).length;

test('no push job for a recipient without devices; one push once a device reported a token', async () => {
  const first = await sendJson(svc.url, { from: 'sam', password: PW, to: 'tia', body: 'no device yet' });
  assert.equal(first.status, 200);
  const firstId = Number((first.json() as { sms_id: string }).sms_id);
  assert.equal(await pushJobs(firstId), 0);

  const report = await sendJson(
    svc.url,
    {
      username: 'tia',
      password: PW,
      selector: 'SEL1',
      pushTokenOther: 'tok-1',
      pushappid_other: 'app.other',
    },
    '/push_token',
  );
  assert.equal(report.status, 200);

  const second = await sendJson(svc.url, { from: 'sam', password: PW, to: 'tia', body: 'now with a device' });
  const secondId = (second.json() as { sms_id: string }).sms_id;
  const deadline = Date.now() + 10_000;
  while (!push.pushes.some((p) => p['Id'] === secondId) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(
    push.pushes.map((p) => [p['Id'], p['DeviceToken']]),
    [[secondId, 'tok-1']],
  );
});
