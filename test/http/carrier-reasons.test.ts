import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MASK } from '../../src/domain/redact.js';
import { type FakeHttpCarrier, reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

const PW = password('reasons');
/** The provider's API key for the carrier: it must reach neither the phone nor the log. */
const API_KEY = 'Tb5ecretApiKey0123456789abcdef';
const LONG =
  'The request could not be authorised for this account because the credentials presented do not match ' +
  'any active API key of the organisation; rotate the key in the portal and try again later';

async function world(): Promise<{ c: FakeHttpCarrier; s: TestService }> {
  // A carrier that quotes the request's Authorization header back in its error, then a long sentence.
  const c = await startFakeHttpCarrier({
    behaviour: (req) =>
      reply.json(400, { message: `Authorization: ${req.headers['authorization']} refused. ${LONG}` }),
  });
  cleanup.push(() => c.close());
  const s = await startTestService({
    carriers: [
      {
        name: 'main',
        type: 'http',
        method: 'POST',
        url: `${c.url}/send`,
        headers: { Authorization: `Bearer ${API_KEY}` },
        body: '{"to":"%to%","text":"%body%"}',
        timeoutMs: 2_000,
      },
    ],
    routes: [{ carrier: 'main' }],
  });
  cleanup.push(() => s.close());
  await s.admin.add({ username: 'alice', password: PW, numbers: ['+15550001111'], region: 'US' });
  return { c, s };
}

const post = async (s: TestService, path: string, body: object) => {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

test('a carrier refusal quoting the API key reaches the phone short and without the key; last_error keeps it all, masked', async () => {
  const { c, s } = await world();
  const r = await post(s, '/send_message', { from: 'alice', password: PW, to: '+15557654321', body: 'hi' });
  assert.equal(c.requests[0]!.headers['authorization'], `Bearer ${API_KEY}`, 'the carrier got the key');
  assert.equal(r.status, 502, 'a refusal of kind rejected');
  const message = String(r.json['message']);
  assert.ok(!message.includes(API_KEY) && !message.includes('0123456789abcdef'), message);
  assert.ok(message.length <= 100, `${message.length} characters: ${message}`);
  assert.match(message, /^HTTP 400: Authorization: (Bearer )?\*{8} refused\. The request .*…$/);

  const [failed] = await s.admin.messages({ status: 'failed', limit: 10 });
  assert.ok(!failed!.lastError!.includes(API_KEY), failed!.lastError!);
  assert.ok(failed!.lastError!.includes(`Authorization: ${MASK} refused`), failed!.lastError!);
  assert.ok(failed!.lastError!.endsWith('try again later'), 'the whole answer, for the operator');
});

test('the bounce notice the sender fetches names the reason without the key', async () => {
  const { s } = await world();
  await post(s, '/send_message', { from: 'alice', password: PW, to: '+15557654321', body: 'hi' });
  const f = await post(s, '/fetch_messages', { username: 'alice', password: PW });
  const received = f.json['received_smss'] as Array<{ sms_text: string }>;
  assert.equal(received.length, 1);
  const text = received[0]!.sms_text;
  assert.match(
    text,
    /^Message to \+15557654321 could not be delivered: HTTP 400: Authorization: (Bearer )?\*{8} refused/,
  );
  assert.ok(!text.includes(API_KEY), text);
  assert.ok(text.length < 160, text);
});
