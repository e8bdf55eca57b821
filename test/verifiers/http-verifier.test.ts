/** The external verifier's request and answer rules, without a network. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/index.js';
import { buildVerifyRequest, classifyVerifyAnswer } from '../../src/verifiers/http-verifier.js';
import { password } from '../helpers/secrets.js';

const external = (c: Record<string, unknown>) =>
  buildConfig({ auth: { external: { url: 'https://auth.example.com/check', ...c } } }).auth.external!;

const PW = password('v');

test('the username and password are encoded for where they land: URL, form body, JSON body, header', () => {
  const get = buildVerifyRequest(
    external({ method: 'GET', url: 'https://auth.example.com/check?u=%username%&p=%password%' }),
    'a b',
    PW,
  );
  assert.equal(get.url, `https://auth.example.com/check?u=a%20b&p=${encodeURIComponent(PW)}`);
  assert.equal(get.body, undefined);
  const form = buildVerifyRequest(external({ body: 'u=%username%&p=%password%' }), 'ann', PW);
  assert.equal(new URLSearchParams(form.body).get('p'), PW);
  assert.equal(form.headers['content-type'], 'application/x-www-form-urlencoded');
  const json = buildVerifyRequest(external({ body: '{"u": "%username%", "p": "%password%"}' }), 'ann', PW);
  assert.deepEqual(JSON.parse(json.body!), { u: 'ann', p: PW });
  assert.equal(json.headers['content-type'], 'application/json');
  const header = buildVerifyRequest(
    external({ headers: { 'X-User': '%username%' } }),
    'ann\r\nX-Evil: 1',
    PW,
  );
  // Percent-encoded in a header, as the carriers' header templates are: no text can add a header.
  assert.equal(header.headers['X-User'], 'ann%0D%0AX-Evil%3A%201');
});

test('an answer is a yes only when 2xx (and the success field says so), a no for a refusal status, else down', () => {
  const plain = external({ fields: { numbers: 'nums', credit: 'acct.balance', region: 'cc' } });
  assert.deepEqual(
    classifyVerifyAnswer(plain, 200, '{"nums": "+15551230001; 201", "acct": {"balance": 3}, "cc": "US"}'),
    {
      kind: 'yes',
      profile: { numbers: ['+15551230001', '201'], credit: '3', region: 'US' },
    },
  );
  assert.deepEqual(classifyVerifyAnswer(plain, 204, ''), { kind: 'yes', profile: {} });
  assert.deepEqual(classifyVerifyAnswer(plain, 401, ''), { kind: 'no' });
  assert.deepEqual(classifyVerifyAnswer(plain, 403, ''), { kind: 'no' });
  assert.deepEqual(classifyVerifyAnswer(plain, 500, ''), { kind: 'unavailable', reason: 'status 500' });
  assert.deepEqual(classifyVerifyAnswer(plain, 302, ''), { kind: 'unavailable', reason: 'status 302' });
  const field = external({ success: { jsonField: 'result', equals: 'OK' } });
  assert.equal(classifyVerifyAnswer(field, 200, '{"result": "OK"}').kind, 'yes');
  assert.equal(classifyVerifyAnswer(field, 200, '{"result": "DENIED"}').kind, 'no');
  const bool = external({ success: { jsonField: 'valid' } });
  assert.equal(classifyVerifyAnswer(bool, 200, '{"valid": true}').kind, 'yes');
  assert.equal(classifyVerifyAnswer(bool, 200, '{"valid": "yes"}').kind, 'no');
});
