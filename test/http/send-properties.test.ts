/**
 * Property: any Unicode text and any recipient spelling round-trips exactly through GET, form POST and
 * JSON POST (protocol notes §8.8: UTF-8 end to end, non-BMP and combining marks included).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sendForm, sendGet, sendJson } from '../helpers/http.js';
import { password } from '../helpers/secrets.js';
import { startTestService, type TestService } from '../helpers/service.js';

let svc: TestService;
const PW = password('prop');

before(async () => {
  svc = await startTestService({ carriers: [{ name: 'log', type: 'log' }], routes: [{ carrier: 'log' }] });
  await svc.admin.add({ username: 'prop', password: PW, numbers: ['+15550005555'], region: 'US' });
});
after(() => svc.close());

const senders = [
  ['GET', sendGet],
  ['form', sendForm],
  ['JSON', sendJson],
] as const;

// Any code point but NUL (refused on purpose: PostgreSQL text cannot hold it), mixing in the
// characters that break naive encoders.
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
      fc.constantFrom(
        '+',
        '&',
        '%',
        '#',
        '=',
        '"',
        '\\',
        '€',
        '😀',
        'e\u0301',
        '👩‍👩‍👧',
        '\r\n',
        '%20',
        '%2B',
      ),
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((parts) => parts.join('').replaceAll('\u0000', ''))
  .filter((s) => s.trim().length > 0);

// A US number in the spellings the app may send after Number Rewriting.
const recipient = fc
  .tuple(
    fc.integer({ min: 200, max: 999 }),
    fc.integer({ min: 200, max: 999 }),
    fc.integer({ min: 0, max: 9999 }),
  )
  .chain(([a, b, c]) => {
    const d = String(c).padStart(4, '0');
    return fc.record({
      raw: fc.constantFrom(
        `+1${a}${b}${d}`,
        `+1 (${a}) ${b}-${d}`,
        `${a}-${b}-${d}`,
        `1${a}${b}${d}`,
        `001${a}${b}${d}`,
        `${a}.${b}.${d}`,
      ),
      e164: fc.constant(`+1${a}${b}${d}`),
    });
  });

test('random Unicode texts and recipient spellings round-trip through GET, form and JSON', async () => {
  await fc.assert(
    fc.asyncProperty(text, recipient, async (body, to) => {
      for (const [name, send] of senders) {
        const res = await send(svc.url, { from: 'prop', password: PW, to: to.raw, body });
        assert.equal(res.status, 200, `${name}: ${res.text}`);
        const id = Number((res.json() as { sms_id: string }).sms_id);
        const [m] = await svc.admin.messages({ username: 'prop', limit: 1 });
        assert.equal(m?.id, id);
        assert.equal(m?.body, body, name);
        assert.equal(m?.toRaw, to.raw, name);
        assert.equal(m?.to, to.e164, name);
      }
    }),
    { numRuns: 60 },
  );
});
