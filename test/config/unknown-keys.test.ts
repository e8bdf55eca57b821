/**
 * Every object at every level refuses a key it does not know, naming the key's full path, so a typo
 * stops the service instead of starting it silently on a default.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';

/** One valid entry of each carrier type. */
export const CARRIERS = {
  http: { name: 'gen', type: 'http', method: 'POST', url: 'https://api.example/send' },
  smpp: { name: 'smsc', type: 'smpp', host: 'smsc.example', port: 2775, systemId: 'tb', password: 'pw' },
  twilio: { name: 'tw', type: 'twilio', accountSid: 'AC1', authToken: 't' },
  telnyx: { name: 'tx', type: 'telnyx', apiKey: 'k' },
  vonage: { name: 'vo', type: 'vonage', apiKey: 'k', apiSecret: 's' },
  voipms: { name: 'vm', type: 'voipms', apiUsername: 'u', apiPassword: 'p' },
  log: { name: 'trial', type: 'log' },
} as const;

/** Misspelt keys and the first words of the error each must give. */
export const MISSPELT: Array<[string, Record<string, unknown>, string]> = [
  ['limts at the top level', { limts: { maxBodyBytes: 1 } }, 'limts is not a configuration key'],
  ['server.prot', { server: { prot: 8081 } }, 'server.prot is not a key of server'],
  ['auth.cacheTTLms', { auth: { cacheTTLms: 1 } }, 'auth.cacheTTLms is not a key of auth'],
  ['route at the top level', { route: [] }, 'route is not a configuration key'],
  [
    'bdy in an http carrier',
    { carriers: [CARRIERS.log, CARRIERS.twilio, { ...CARRIERS.http, bdy: '{}' }] },
    'carriers[2].bdy is not a key of an http carrier',
  ],
  [
    'windw in an smpp carrier',
    { carriers: [{ ...CARRIERS.smpp, windw: 5 }] },
    'carriers[0].windw is not a key of an smpp carrier',
  ],
  [
    'a key of a nested object',
    { delivery: { backoff: { baseMS: 1 } } },
    'delivery.backoff.baseMS is not a key',
  ],
  [
    'a key of a route',
    { carriers: [CARRIERS.log], routes: [{ carrier: 'trial', prefix: ['+44'] }] },
    'routes[0].prefix is not a key of a route',
  ],
  ['a key of push', { push: { maxAttemps: 3 } }, 'push.maxAttemps is not a key of push'],
];

for (const [what, raw, message] of MISSPELT) {
  test(`a misspelt key stops the configuration with its full path: ${what}`, () => {
    assert.throws(
      () => buildConfig(raw),
      (e: Error) => e.name === 'ConfigError' && e.message.startsWith(message),
    );
  });
}

for (const [type, entry] of Object.entries(CARRIERS)) {
  test(`a ${type} carrier accepts its own keys and refuses a misspelt one`, () => {
    const c = buildConfig({ carriers: [entry] });
    assert.equal(c.carriers[0]?.type, type);
    assert.throws(
      () => buildConfig({ carriers: [{ ...entry, timeoutMS: 5 }] }),
      new RegExp(`^ConfigError: carriers\\[0\\]\\.timeoutMS is not a key of an? ${type} carrier`),
    );
  });
}

test('a misspelt key suggests the key it resembles', () => {
  assert.throws(() => buildConfig({ limts: {} }), /\(did you mean "limits"\?\)/);
  assert.throws(
    () => buildConfig({ carriers: [{ ...CARRIERS.http, bdy: '' }] }),
    /\(did you mean "body"\?\)/,
  );
});

test('keys of webhook settings are checked in their new place and in the deprecated one', () => {
  const webhook = { auth: { kind: 'header', header: 'x-secret', secret: 's' }, inbond: {} };
  assert.throws(
    () => buildConfig({ carriers: [{ ...CARRIERS.http, webhook }] }),
    /^ConfigError: carriers\[0\]\.webhook\.inbond is not a key of webhook/,
  );
  assert.throws(
    () => buildConfig({ inbound: { carriers: { tw: { type: 'twilio', authTokn: 'x' } } } }),
    /^ConfigError: inbound\.carriers\.tw\.authTokn is not a key of an inbound\.carriers entry of type twilio/,
  );
});
