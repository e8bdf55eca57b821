import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeReceiveWebhook, type WebhookRequest } from '../../src/app/receive-webhook.js';

const req: WebhookRequest = {
  method: 'POST',
  url: 'https://x/inbound/c',
  headers: {},
  rawBody: Buffer.from('{}'),
};
const answer = { contentType: 'application/json', body: '{}' };

function setup(parse: () => ReturnType<Parameters<typeof makeReceiveWebhook>[0]['webhooks']['parse']>) {
  const warnings: Array<[object, string]> = [];
  let stores = 0;
  const receive = makeReceiveWebhook({
    webhooks: { parse },
    inbound: {
      receive: async () => {
        stores++;
        return { stored: true, duplicate: false, held: false, messageId: 1 };
      },
      receivePart: async () => {
        stores++;
        return { stored: true, duplicate: false, held: false, messageId: 1 };
      },
    },
    handleReceipt: async () => {
      stores++;
      return { matched: true, relayed: false };
    },
    log: { error: () => undefined, info: () => undefined, warn: (f, m) => warnings.push([f, m]) },
  });
  return { receive, warnings, stores: () => stores };
}

test('a parser that trips over a payload answers malformed with a reason and a warning, and stores nothing', async () => {
  const s = setup(() => {
    throw new TypeError('m.map is not a function');
  });
  const out = await s.receive('c', req);
  assert.deepEqual(out, { kind: 'malformed', reason: 'payload not understood (TypeError)' });
  assert.deepEqual(s.warnings, [
    [{ carrier: 'c', reason: 'payload not understood (TypeError)' }, 'webhook malformed'],
  ]);
  assert.equal(s.stores(), 0);
});

test('a malformed result is told apart from a refused signature', async () => {
  const bad = setup(() => ({ result: { ok: false, reason: 'bad concat fields', malformed: true }, answer }));
  assert.deepEqual(await bad.receive('c', req), { kind: 'malformed', reason: 'bad concat fields' });
  const forged = setup(() => ({ result: { ok: false, reason: 'bad sig' }, answer }));
  assert.deepEqual(await forged.receive('c', req), { kind: 'refused', reason: 'bad sig' });
  assert.equal(forged.warnings[0]?.[1], 'webhook refused');
});
