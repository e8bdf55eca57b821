/**
 * Twilio signatures as twilio-node's `validateRequest` / `validateRequestWithBody` accept them
 * (https://github.com/twilio/twilio-node/blob/main/src/webhooks/webhooks.ts). The expected signatures
 * are written out from that algorithm: HMAC-SHA1 of the URL followed by each name+value, names sorted,
 * a repeated name's values deduplicated and sorted; a JSON body is signed as its URL alone, which
 * carries the body's hex SHA-256 as `bodySHA256`.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import type { WebhookRequest } from '../../src/carriers/http/webhook.js';
import { makeTwilioWebhook } from '../../src/carriers/twilio/webhook.js';

const sign = (data: string): string => createHmac('sha1', 'tok').update(data, 'utf8').digest('base64');
const twilio = makeTwilioWebhook({ authToken: 'tok' });
const call = (url: string, body: string, sig: string): WebhookRequest => ({
  method: 'POST',
  url,
  headers: { 'x-twilio-signature': sig },
  rawBody: Buffer.from(body),
});
const form = 'MessageSid=SM1&From=%2B15551&To=%2B15552&Body=hi';
const formData = 'Bodyhi' + 'From+15551' + 'MessageSidSM1' + 'To+15552';
const inbound = {
  ok: true,
  kind: 'inbound',
  sms: { carrier: 'twilio', carrierRef: 'SM1', from: '+15551', to: '+15552', body: 'hi' },
};

test('a Twilio signature over the URL with its default port is accepted on the URL without it', () => {
  const sig = sign(`https://sms.example.com:443/hook?a=1${formData}`);
  assert.deepEqual(twilio(call('https://sms.example.com/hook?a=1', form, sig)), inbound);
  const plain = sign(`http://sms.example.com:80/hook${formData}`);
  assert.deepEqual(twilio(call('http://sms.example.com/hook', form, plain)), inbound);
});

test('a Twilio signature over the URL without its port is accepted on the URL with the default port', () => {
  const sig = sign(`https://sms.example.com/hook${formData}`);
  assert.deepEqual(twilio(call('https://sms.example.com:443/hook', form, sig)), inbound);
  // Another port is part of what is signed: a signature for port 8443 fails on 443.
  const other = sign(`https://sms.example.com:8443/hook${formData}`);
  assert.equal(twilio(call('https://sms.example.com/hook', form, other)).ok, false);
});

test("a Twilio form with a repeated name is signed with that name's values deduplicated and sorted", () => {
  const body = `${form}&MediaUrl0=https%3A%2F%2Fm%2Fb&MediaUrl0=https%3A%2F%2Fm%2Fa&MediaUrl0=https%3A%2F%2Fm%2Fb`;
  const data =
    'Bodyhi' + 'From+15551' + 'MediaUrl0https://m/a' + 'MediaUrl0https://m/b' + 'MessageSidSM1' + 'To+15552';
  assert.equal(
    twilio(call('https://sms.example.com/hook', body, sign(`https://sms.example.com/hook${data}`))).ok,
    true,
  );
  const undeduplicated = `${data.replace('MediaUrl0https://m/b', 'MediaUrl0https://m/bMediaUrl0https://m/b')}`;
  assert.equal(
    twilio(call('https://sms.example.com/hook', body, sign(`https://sms.example.com/hook${undeduplicated}`)))
      .ok,
    false,
  );
});

test('a Twilio JSON body is accepted when its URL carries its bodySHA256 and the URL is signed', () => {
  const body = JSON.stringify({ MessageSid: 'SM1', From: '+15551', To: '+15552', Body: 'hi' });
  const hash = createHash('sha256').update(body).digest('hex');
  const url = `https://sms.example.com/hook?bodySHA256=${hash}`;
  assert.deepEqual(twilio(call(url, body, sign(url))), inbound);
  // The body changed after signing: its hash no longer matches.
  const changed = body.replace('hi', 'forged');
  assert.deepEqual(twilio(call(url, changed, sign(url))), { ok: false, reason: 'bad bodySHA256' });
  // A hash that matches, but a signature by another token.
  const other = createHmac('sha1', 'other').update(url).digest('base64');
  assert.deepEqual(twilio(call(url, body, other)), { ok: false, reason: 'bad X-Twilio-Signature' });
});
