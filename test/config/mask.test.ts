/** What `config check` prints: secrets masked wherever the schemas mark them, and nothing else changed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { MASK, maskSecrets, maskUrl } from '../../src/config/mask.js';

test('a database URL loses its password in every form and keeps the rest', () => {
  assert.equal(maskUrl('postgres://u:p@h/db'), `postgres://u:${MASK}@h/db`);
  assert.equal(
    maskUrl('postgresql://u:p%40ss@h:5432/db?sslmode=require'),
    `postgresql://u:${MASK}@h:5432/db?sslmode=require`,
  );
  assert.equal(maskUrl('postgres://h/db?user=u&password=p'), `postgres://h/db?user=u&password=${MASK}`);
  assert.equal(maskUrl('postgres://u@h/db'), 'postgres://u@h/db');
  assert.equal(maskUrl(''), '');
});

test('every secret of every carrier type and of the deprecated webhooks is masked', () => {
  const c = buildConfig({
    carriers: [
      { name: 's', type: 'smpp', host: 'h', port: 2775, systemId: 'tb', password: 'S1' },
      { name: 'tw', type: 'twilio', accountSid: 'AC1', authToken: 'S2' },
      { name: 'tx', type: 'telnyx', apiKey: 'S3' },
      { name: 'vo', type: 'vonage', apiKey: 'k', apiSecret: 'S4', signatureSecret: 'S5' },
      { name: 'vm', type: 'voipms', apiUsername: 'u', apiPassword: 'S6' },
      { name: 'h', type: 'http', method: 'POST', url: 'https://x.example/?token=S7', body: 'key=S8' },
    ],
    inbound: { carriers: { old: { type: 'generic', auth: { kind: 'header', header: 'x', secret: 'S9' } } } },
  });
  const text = JSON.stringify(maskSecrets(c));
  for (let i = 1; i <= 9; i++) assert.ok(!text.includes(`S${i}`), `S${i} is printed`);
  assert.ok(text.includes('"accountSid":"AC1"'));
  assert.ok(text.includes('"systemId":"tb"'));
});

test('the metrics bearer token is masked, from the file or from METRICS_TOKEN', () => {
  for (const c of [
    buildConfig({ metrics: { token: 'scrape-S10' } }),
    buildConfig({}, {}, { METRICS_TOKEN: 'scrape-S10' }),
  ]) {
    assert.equal(c.metrics.token, 'scrape-S10');
    const text = JSON.stringify(maskSecrets(c));
    assert.ok(!text.includes('S10'), text);
    assert.ok(text.includes(`"token":"${MASK}"`));
  }
});
