/**
 * Which carriers send picture messages as MMS, and how the files reach each API, against a loopback
 * fake: Twilio repeats `MediaUrl`, Telnyx sends `media_urls`, the generic http carrier fills
 * `%media_urls%`; the others (and a text message everywhere) carry no media field.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CarrierAdapter, OutboundSms } from '../../src/app/ports.js';
import { HttpKeys } from '../../src/carriers/http/config.js';
import { makeHttpGenericCarrier } from '../../src/carriers/http/generic.js';
import { withLimits } from '../../src/carriers/limits.js';
import { TelnyxKeys } from '../../src/carriers/telnyx/config.js';
import { makeTelnyxCarrier } from '../../src/carriers/telnyx/send.js';
import { TwilioKeys } from '../../src/carriers/twilio/config.js';
import { makeTwilioCarrier } from '../../src/carriers/twilio/send.js';
import { VoipmsKeys } from '../../src/carriers/voipms/config.js';
import { makeVoipmsCarrier } from '../../src/carriers/voipms/send.js';
import { VonageKeys } from '../../src/carriers/vonage/config.js';
import { makeVonageCarrier } from '../../src/carriers/vonage/send.js';
import { withDefaults } from '../../src/carriers/with-defaults.js';
import { type FakeHttpCarrier, reply, startFakeHttpCarrier } from '../helpers/fake-http-carrier.js';

const URLS = ['https://sms.example.com/media/a?exp=1&sig=x', 'https://sms.example.com/media/b?exp=1&sig=y'];
const mms: OutboundSms = {
  smsId: '9',
  from: '+15550001111',
  to: '+15552223333',
  body: 'pics',
  mediaUrls: URLS,
};
const text: OutboundSms = { smsId: '10', from: '+15550001111', to: '+15552223333', body: 'plain' };
const never = new AbortController().signal;
let fake: FakeHttpCarrier;
const adapters: CarrierAdapter[] = [];
const keep = <T extends CarrierAdapter>(a: T): T => {
  adapters.push(a);
  return a;
};

before(async () => {
  fake = await startFakeHttpCarrier({
    behaviour: () => reply.json(201, { sid: 'SM1', data: { id: 'x' }, id: 'g' }),
  });
});
after(async () => {
  for (const a of adapters) await a.close?.();
  await fake.close();
});

const generic = (body: string) =>
  keep(
    makeHttpGenericCarrier(
      withDefaults(HttpKeys, { name: 'g', method: 'POST', url: `${fake.url}/send`, body }),
    ),
  );

test('Twilio and Telnyx are MMS carriers, the http carrier only with %media_urls%, the others not', () => {
  const tw = keep(
    makeTwilioCarrier(withDefaults(TwilioKeys, { accountSid: 'AC1', authToken: 't', baseUrl: fake.url })),
  );
  const tx = keep(makeTelnyxCarrier(withDefaults(TelnyxKeys, { apiKey: 'k', baseUrl: fake.url })));
  assert.equal(tw.mms, true);
  assert.equal(tx.mms, true);
  assert.equal(generic('to=%to%&media=%media_urls%').mms, true);
  assert.equal(generic('to=%to%&text=%body%').mms, undefined);
  const vonage = keep(
    makeVonageCarrier(withDefaults(VonageKeys, { apiKey: 'k', apiSecret: 's', baseUrl: fake.url })),
  );
  const voipms = keep(
    makeVoipmsCarrier(withDefaults(VoipmsKeys, { apiUsername: 'u', apiPassword: 'p', baseUrl: fake.url })),
  );
  assert.equal(vonage.mms, undefined);
  assert.equal(voipms.mms, undefined);
  assert.equal(withLimits(tw, { concurrency: 2 }).mms, true, 'a limited carrier keeps its MMS flag');
});

test('Twilio gets one MediaUrl field per file, and none for a text', async () => {
  const tw = keep(
    makeTwilioCarrier(withDefaults(TwilioKeys, { accountSid: 'AC1', authToken: 't', baseUrl: fake.url })),
  );
  assert.equal((await tw.send(mms, never)).ok, true);
  const form = new URLSearchParams(fake.requests.at(-1)!.body);
  assert.deepEqual(form.getAll('MediaUrl'), URLS);
  assert.equal(form.get('Body'), 'pics');
  await tw.send(text, never);
  assert.deepEqual(new URLSearchParams(fake.requests.at(-1)!.body).getAll('MediaUrl'), []);
});

test('Telnyx gets media_urls as a JSON array, and none for a text', async () => {
  const tx = keep(makeTelnyxCarrier(withDefaults(TelnyxKeys, { apiKey: 'k', baseUrl: fake.url })));
  await tx.send(mms, never);
  assert.deepEqual(JSON.parse(fake.requests.at(-1)!.body).media_urls, URLS);
  await tx.send(text, never);
  assert.equal(JSON.parse(fake.requests.at(-1)!.body).media_urls, undefined);
});

test('%media_urls% is the URLs joined by commas, encoded for a form and for JSON', async () => {
  await generic('to=%to%&media=%media_urls%').send(mms, never);
  assert.equal(new URLSearchParams(fake.requests.at(-1)!.body).get('media'), URLS.join(','));
  await generic('{"to":"%to%","media":"%media_urls%"}').send(mms, never);
  assert.equal(JSON.parse(fake.requests.at(-1)!.body).media, URLS.join(','));
  await generic('{"to":"%to%","media":"%media_urls%"}').send(text, never);
  assert.equal(JSON.parse(fake.requests.at(-1)!.body).media, '');
});
