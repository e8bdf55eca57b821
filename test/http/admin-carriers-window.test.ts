/**
 * `GET /admin/v1/carriers` shows an SMPP carrier's link and its window in use: the `window` size and
 * the submit_sm awaiting their answer, here while the fake SMSC holds its submit_sm_resp.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { adminCall, adminToken } from '../helpers/admin.js';
import { startFakeSmsc } from '../helpers/fake-smsc.js';
import { sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService } from '../helpers/service.js';

const smsc = await startFakeSmsc();
/** While true, the SMSC answers each submit_sm only after 1.5 s. */
let hold = true;
smsc.setResponder(() => (hold ? { delayMs: 1_500 } : undefined));
const service = await startTestService({
  carriers: [smsc.carrier({ window: 2 })],
  routes: [{ carrier: 'smsc' }],
  delivery: { pollMs: 20, waitMs: 0 },
  push: { enabled: false },
});
after(async () => {
  await service.close();
  await smsc.close();
});
const token = await adminToken(service.config, 'viewer', true);
await service.admin.add({
  username: 'kim',
  password: password('kim'),
  numbers: ['+15550008001'],
  region: 'US',
});
await smsc.waitFor(() => smsc.binds >= 1);

type Carrier = { name: string; link: string; window: { size: number; inFlight: number } | null };
const smscState = async (): Promise<Carrier> => {
  const r = await adminCall(service.url, token, 'GET', '/carriers');
  assert.equal(r.status, 200, r.text);
  return r.body.carriers.find((c: Carrier) => c.name === 'smsc');
};

test('an SMPP carrier shows its link, its window size and the submits awaiting an answer', async () => {
  const idle = await smscState();
  assert.deepEqual(
    { link: idle.link, window: idle.window },
    { link: 'up', window: { size: 2, inFlight: 0 } },
  );
  for (let i = 0; i < 3; i++) {
    const r = await sendJson(service.url, {
      from: 'kim',
      password: password('kim'),
      to: `+4420718387${50 + i}`,
      body: `held ${i}`,
    });
    assert.equal(r.status, 200);
  }
  await smsc.waitFor(() => smsc.submits.length >= 2);
  const held = await smscState();
  assert.deepEqual(
    { link: held.link, window: held.window },
    { link: 'up', window: { size: 2, inFlight: 2 } },
    'the window full while the SMSC holds its answers',
  );
  hold = false;
  await smsc.waitFor(() => smsc.submits.length >= 3 && smsc.submits.every((s) => s.messageId !== ''), 8_000);
  const end = Date.now() + 5_000;
  while ((await smscState()).window?.inFlight !== 0 && Date.now() < end)
    await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual((await smscState()).window, { size: 2, inFlight: 0 }, 'free again once answered');
});
