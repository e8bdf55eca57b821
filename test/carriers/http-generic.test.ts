import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CarrierAdapter, OutboundSms, SendOutcome } from '../../src/app/ports.js';
import { HttpKeys } from '../../src/carriers/http/config.js';
import { type HttpCarrierConfig, makeHttpGenericCarrier } from '../../src/carriers/http/generic.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { buildConfig } from '../../src/config/index.js';
import { type FakeHttpCarrier, reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';

const tricky = 'Hi "you" & me+1 = 100% #tag 😀\\ \n end';
const msg: OutboundSms = { smsId: '42', from: '+15550001111', to: '+15552223333', body: tricky };
const never = new AbortController().signal;

let fake: FakeHttpCarrier;
const adapters: CarrierAdapter[] = [];
before(async () => {
  fake = await startFakeHttpCarrier();
});
after(async () => {
  for (const a of adapters) await a.close?.();
  await fake.close();
});

function carrier(cfg: Partial<HttpCarrierConfig>): CarrierAdapter {
  const a = makeHttpGenericCarrier(
    withDefaults(HttpKeys, { name: 'gen', method: 'POST', url: `${fake.url}/send`, ...cfg }),
  );
  adapters.push(a);
  return a;
}

async function sendWith(
  cfg: Partial<HttpCarrierConfig>,
  r: ReturnType<typeof reply.ok>,
): Promise<SendOutcome> {
  fake.behave(() => r);
  return carrier(cfg).send(msg, never);
}

test('placeholders are URL-encoded in the URL and decode back to the exact text', async () => {
  fake.behave(() => reply.ok('x'));
  await carrier({ method: 'GET', url: `${fake.url}/s?to=%to%&d=%to_digits%&text=%body%&id=%sms_id%` }).send(
    msg,
    never,
  );
  const q = new URL(fake.requests.at(-1)!.url, fake.url).searchParams;
  assert.equal(q.get('to'), '+15552223333');
  assert.equal(q.get('d'), '15552223333');
  assert.equal(q.get('text'), tricky);
  assert.equal(q.get('id'), '42');
});

test('placeholders are URL-encoded in a form body, which gets the form content type', async () => {
  fake.behave(() => reply.ok('x'));
  await carrier({ body: 'From=%from%&To=%to%&Body=%body%' }).send(msg, never);
  const r = fake.requests.at(-1)!;
  assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
  const form = new URLSearchParams(r.body);
  assert.equal(form.get('Body'), tricky);
  assert.equal(form.get('From'), '+15550001111');
});

test('placeholders are JSON-escaped in a JSON body, which stays valid JSON', async () => {
  fake.behave(() => reply.ok('x'));
  await carrier({ body: '{"from":"%from%","to":"%to%","text":"%body%"}' }).send(msg, never);
  const r = fake.requests.at(-1)!;
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(r.body), { from: '+15550001111', to: '+15552223333', text: tricky });
});

test('a body quoting a placeholder is not expanded twice', async () => {
  fake.behave(() => reply.ok('x'));
  await carrier({ body: '{"text":"%body%"}' }).send({ ...msg, body: 'say %to% please' }, never);
  assert.equal(JSON.parse(fake.requests.at(-1)!.body).text, 'say %to% please');
});

test('header templates carry their fixed text raw, and a message with CR LF cannot add a header', async () => {
  fake.behave(() => reply.ok('x'));
  await carrier({ headers: { Authorization: 'Bearer s3cr3t', 'X-From': '%body%' } }).send(
    { ...msg, body: 'a\r\nX-Evil: 1' },
    never,
  );
  const r = fake.requests.at(-1)!;
  assert.equal(r.headers['authorization'], 'Bearer s3cr3t');
  assert.equal(r.headers['x-from'], 'a%0D%0AX-Evil%3A%201');
  assert.equal(r.headers['x-evil'], undefined);
});

test('a text outside Latin-1 in a header template reaches the carrier percent-encoded, and decodes back', async () => {
  fake.behave(() => reply.ok('x'));
  const body = 'Grüße 😀 \u0007 "ok" (1+1)*2';
  const out = await carrier({ headers: { 'X-Text': '%body%', 'X-To': '%to%' } }).send(
    { ...msg, body },
    never,
  );
  assert.equal(out.ok, true);
  const r = fake.requests.at(-1)!;
  assert.match(String(r.headers['x-text']), /^[A-Za-z0-9%._~-]+$/);
  assert.equal(decodeURIComponent(String(r.headers['x-text'])), body);
  assert.equal(r.headers['x-to'], '%2B15552223333');
});

test("with headerEncoding rfc8187 a header holding more than ASCII is sent as UTF-8''…, plain ASCII as is", async () => {
  fake.behave(() => reply.ok('x'));
  const c = carrier({ headerEncoding: 'rfc8187', headers: { 'X-Text': 'say %body%', 'X-To': '%to%' } });
  assert.equal((await c.send({ ...msg, body: 'é 😀' }, never)).ok, true);
  const r = fake.requests.at(-1)!;
  assert.equal(r.headers['x-text'], "UTF-8''say%20%C3%A9%20%F0%9F%98%80");
  assert.equal(r.headers['x-to'], '+15552223333');
});

test('a URL template that expands to an invalid URL is a permanent configuration failure, never sent', async () => {
  const before = fake.count();
  const out = await carrier({ url: 'http://127.0.0.1:%sms_id%99999/send' }).send(msg, never);
  assert.deepEqual(out, {
    ok: false,
    retryable: false,
    kind: 'rejected',
    reason: 'The carrier is misconfigured',
    detail: 'carrier configuration error: url expands to an invalid URL',
    configKey: 'url',
  });
  assert.equal(fake.count(), before);
});

test('a header template holding a character a header cannot carry is refused when the configuration is read', () => {
  const gen = { name: 'gen', type: 'http', method: 'POST', url: 'http://127.0.0.1:1/x' };
  assert.throws(
    () => buildConfig({ carriers: [{ ...gen, headers: { 'X-Sig': 'clé ☃ %body%' } }] }),
    /carriers\[0\]\.headers\["X-Sig"\] may hold only visible ASCII/,
  );
  assert.throws(
    () => buildConfig({ carriers: [{ ...gen, headers: { 'X Sig': 'a' } }] }),
    /carriers\[0\]\.headers\["X Sig"\] is not a valid header name/,
  );
});

test('a header value undici refuses is a permanent configuration failure, not a network one', async () => {
  const out = await carrier({ headers: { 'X-Sig': 'a\u0001b' } }).send(msg, never);
  assert.equal(out.ok === false && !out.retryable && out.configKey, 'headers["X-Sig"]');
});

test('a 2xx answer is accepted with the id found at the messageId path', async () => {
  const out = await sendWith({ messageId: 'data.id' }, reply.json(200, { data: { id: 'abc-1' } }));
  assert.deepEqual(out, { ok: true, carrierRefs: ['abc-1'] });
});

test('without a messageId path the Location header is the id', async () => {
  const out = await sendWith({}, reply.json(201, {}, { location: '/msgs/77' }));
  assert.deepEqual(out, { ok: true, carrierRefs: ['/msgs/77'] });
});

test('a 2xx that fails the jsonField rule is a permanent failure with the carrier reason', async () => {
  const out = await sendWith(
    { success: { jsonField: 'status', equals: 'success' } },
    reply.json(200, { status: 'error', message: 'Sender not allowed' }),
  );
  assert.deepEqual(out, {
    ok: false,
    retryable: false,
    kind: 'rejected',
    reason: 'HTTP 200: Sender not allowed',
  });
});

test('a 400 surfaces the carrier message and maps invalid-number wording to invalid_recipient', async () => {
  const out = await sendWith({}, reply.json(400, { error: { message: 'Invalid destination number' } }));
  assert.deepEqual(out, {
    ok: false,
    retryable: false,
    kind: 'invalid_recipient',
    reason: 'HTTP 400: Invalid destination number',
  });
});

test('403 is blocked and 404 is no_route by default', async () => {
  const a = await sendWith({}, reply.text(403, 'Forbidden by policy'));
  assert.deepEqual(a, {
    ok: false,
    retryable: false,
    kind: 'blocked',
    reason: 'HTTP 403: Forbidden by policy',
  });
  const b = await sendWith({}, reply.text(404, ''));
  assert.deepEqual(b, { ok: false, retryable: false, kind: 'no_route', reason: 'HTTP 404: Not Found' });
});

test('a permanent pattern from config wins over the status default', async () => {
  const out = await sendWith(
    { permanent: { unsubscribed: 'blocked' } },
    reply.json(400, { detail: 'user unsubscribed' }),
  );
  assert.equal(out.ok === false && !out.retryable && out.kind, 'blocked');
});

test('5xx and 429 are retryable', async () => {
  const a = await sendWith({}, reply.json(503, { title: 'maintenance' }));
  assert.deepEqual(a, { ok: false, retryable: true, reason: 'HTTP 503: maintenance' });
  const b = await sendWith({}, reply.text(429, ''));
  assert.deepEqual(b, { ok: false, retryable: true, reason: 'HTTP 429: Too Many Requests' });
});

test('a transient pattern makes a failed 200 retryable', async () => {
  const out = await sendWith(
    { success: { pattern: '^OK' }, transient: { pattern: 'try again' } },
    reply.text(200, 'ERR busy, try again'),
  );
  assert.equal(out.ok === false && out.retryable, true);
});

test('a slow carrier times out as retryable', async () => {
  const out = await sendWith({ timeoutMs: 50 }, reply.slow(1000, reply.ok('late')));
  assert.deepEqual(out, { ok: false, retryable: true, reason: 'carrier timed out' });
});

test('a reset connection is retryable', async () => {
  const out = await sendWith({}, reply.reset());
  assert.deepEqual(out, { ok: false, retryable: true, reason: 'connection reset' });
});

test('an abort while waiting for the carrier is retryable, not a throw', async () => {
  fake.behave(() => reply.slow(1000, reply.ok('late')));
  const ac = new AbortController();
  const p = carrier({}).send(msg, ac.signal);
  setTimeout(() => ac.abort(), 20);
  assert.deepEqual(await p, { ok: false, retryable: true, reason: 'aborted' });
});

test('a refused connection is retryable', async () => {
  const a = makeHttpGenericCarrier(
    withDefaults(HttpKeys, { name: 'gone', method: 'POST', url: 'http://127.0.0.1:1/x' }),
  );
  adapters.push(a);
  assert.deepEqual(await a.send(msg, never), { ok: false, retryable: true, reason: 'connection refused' });
});

test('a bad regex in config fails when the configuration is read, naming the key', () => {
  const gen = { name: 'gen', type: 'http', method: 'POST', url: 'http://127.0.0.1:1/x' };
  assert.throws(
    () => buildConfig({ carriers: [{ ...gen, success: { pattern: '(' } }] }),
    /^ConfigError: carriers\[0\]\.success\.pattern is not a valid regular expression/,
  );
  assert.throws(
    () => buildConfig({ carriers: [{ ...gen, permanent: { '[x': 'blocked' } }] }),
    /carriers\[0\]\.permanent\["\[x"\] is not a valid regular expression/,
  );
});

test('the http carrier masks its configured secrets in a refusal, wherever the carrier quotes them', async () => {
  const out = await sendWith(
    {
      url: `${fake.url}/send?user=u&api_token=tokURL42`,
      headers: { 'X-Auth': 'hdrSecret9' },
      body: '{"to":"%to%","password":"bodyPw77"}',
    },
    reply.text(400, 'got hdrSecret9, tokURL42 and bodyPw77'),
  );
  assert.deepEqual(out, {
    ok: false,
    retryable: false,
    kind: 'rejected',
    reason: 'HTTP 400: got ********, ******** and ********',
  });
});
