import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PushNotification } from '../../src/app/push.js';
import { makePnmGateway } from '../../src/carriers/push/pnm.js';
import { type FakePush, startFakePush } from '../helpers/fake-push.js';

let push: FakePush;
before(async () => {
  push = await startFakePush();
});
after(() => push.close());

const note = (token: string): PushNotification => ({
  verb: 'NotifyTextMessage',
  AppId: 'com.example.app',
  DeviceToken: token,
  Selector: 'AAAA:01',
  Id: '1',
  Badge: 1,
  ThreadId: '+15550000050',
  UserName: 'ivy',
  Sound: 'default',
});

test('a dead token is reported gone whether the push reply names its result `code` or `status`', async () => {
  const gateway = makePnmGateway({ url: push.url, timeoutMs: 2_000 });
  push.dead.add('dead-token');
  for (const field of ['code', 'status'] as const) {
    push.replyField = field;
    const signal = new AbortController().signal;
    assert.deepEqual(await gateway.send(note('live-token'), signal), { ok: true }, field);
    const gone = await gateway.send(note('dead-token'), signal);
    assert.equal(gone.ok, false, field);
    assert.equal(gone.ok === false && gone.gone, true, field);
  }
  await gateway.close?.();
});
