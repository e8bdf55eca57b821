import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import {
  concatUdh,
  countSegments,
  decodeGsm7,
  decodeUcs2,
  encodeGsm7,
  encodeUcs2,
  LIMITS,
  parseUdh,
  splitText,
} from '../../src/domain/segments.js';

const cost = (part: string, enc: 'gsm7' | 'ucs2') => (enc === 'ucs2' ? part.length : encodeGsm7(part).length);

describe('countSegments', () => {
  test('160 GSM characters are one SMS and 161 are two', () => {
    assert.deepEqual(countSegments('a'.repeat(160)), { encoding: 'gsm7', units: 160, segments: 1 });
    assert.deepEqual(countSegments('a'.repeat(161)), { encoding: 'gsm7', units: 161, segments: 2 });
  });

  test('70 UCS-2 units are one SMS and 71 are two', () => {
    assert.deepEqual(countSegments('ж'.repeat(70)), { encoding: 'ucs2', units: 70, segments: 1 });
    assert.deepEqual(countSegments('ж'.repeat(71)), { encoding: 'ucs2', units: 71, segments: 2 });
  });

  test('extension characters (€ ^ { } [ ] ~ | \\ form feed) cost two septets', () => {
    for (const ch of ['€', '^', '{', '}', '[', ']', '~', '|', '\\', '\f']) {
      assert.deepEqual(countSegments(ch), { encoding: 'gsm7', units: 2, segments: 1 }, ch);
    }
    assert.equal(countSegments('€'.repeat(80)).segments, 1);
    assert.equal(countSegments('€'.repeat(81)).segments, 2);
  });

  test('é is in the GSM alphabet but ê is not', () => {
    assert.equal(countSegments('café').encoding, 'gsm7');
    assert.equal(countSegments('crêpe').encoding, 'ucs2');
  });

  test('empty text is one segment of zero units', () => {
    assert.deepEqual(countSegments(''), { encoding: 'gsm7', units: 0, segments: 1 });
  });

  test('an escape that would straddle a part boundary costs one more part', () => {
    // 152 + 2 septets does not fit 153: the € moves whole, so 306 septets need 3 parts, not 2.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    assert.deepEqual(countSegments(text), { encoding: 'gsm7', units: 306, segments: 3 });
    assert.equal(splitText(text).parts.length, 3);
  });
});

describe('splitText', () => {
  test('a text that fits one SMS is one part', () => {
    assert.deepEqual(splitText('hello'), { encoding: 'gsm7', parts: ['hello'] });
    assert.deepEqual(splitText(''), { encoding: 'gsm7', parts: [''] });
  });

  test('200 GSM characters split 153 + 47', () => {
    const { parts } = splitText('x'.repeat(200));
    assert.deepEqual(
      parts.map((p) => p.length),
      [153, 47],
    );
  });

  test('an emoji at a part boundary moves whole to the next part', () => {
    const text = `${'a'.repeat(66)}😀${'b'.repeat(10)}`;
    const { encoding, parts } = splitText(text);
    assert.equal(encoding, 'ucs2');
    assert.equal(parts[0], 'a'.repeat(66));
    assert.equal(parts[1], `😀${'b'.repeat(10)}`);
  });

  test('a forced ucs2 coding splits GSM text at 67 units', () => {
    const { encoding, parts } = splitText('a'.repeat(100), { encoding: 'ucs2' });
    assert.equal(encoding, 'ucs2');
    assert.deepEqual(
      parts.map((p) => p.length),
      [67, 33],
    );
  });

  test('a forced gsm7 coding on non-GSM text is refused', () => {
    assert.throws(() => splitText('crêpe', { encoding: 'gsm7' }), RangeError);
  });
});

describe('codecs and UDH', () => {
  test('GSM text encodes to unpacked septets with ESC for extension characters', () => {
    assert.deepEqual([...encodeGsm7('@A€^')], [0x00, 0x41, 0x1b, 0x65, 0x1b, 0x14]);
    assert.equal(decodeGsm7(encodeGsm7('Hé £5 {ok} ΔΩ\n')), 'Hé £5 {ok} ΔΩ\n');
  });

  test('GSM decoding is lenient with unknown escapes and non-septet bytes', () => {
    assert.equal(decodeGsm7(Buffer.from([0x1b, 0x41, 0xff, 0x41, 0x1b])), 'A?A');
  });

  test('UCS-2 is UTF-16BE with surrogate pairs', () => {
    assert.deepEqual([...encodeUcs2('A😀')], [0x00, 0x41, 0xd8, 0x3d, 0xde, 0x00]);
    assert.equal(decodeUcs2(encodeUcs2('привет 😀')), 'привет 😀');
  });

  test('concatUdh writes the 8-bit reference IE and parseUdh reads it back', () => {
    assert.deepEqual([...concatUdh(0x1ff, 3, 2)], [0x05, 0x00, 0x03, 0xff, 0x03, 0x02]);
    assert.deepEqual(parseUdh(concatUdh(7, 2, 1)), { ref: 7, total: 2, seq: 1, headerLength: 6 });
  });

  test('parseUdh reads a 16-bit reference IE after another IE, and refuses garbage', () => {
    const udh = Buffer.from([0x0a, 0x05, 0x02, 0x00, 0x00, 0x08, 0x04, 0x12, 0x34, 0x04, 0x03]);
    assert.deepEqual(parseUdh(udh), { ref: 0x1234, total: 4, seq: 3, headerLength: 11 });
    assert.equal(parseUdh(Buffer.from([0x09, 0x00])), null);
    assert.equal(parseUdh(Buffer.from([0x04, 0x05, 0x02, 0x00, 0x00])), null);
  });
});

// Characters that exercise every path: basic, extension, non-GSM BMP, non-BMP (surrogate pairs).
const pool = [...'aZ09 @£é\nΔ_', ...'€^{}[]~|\\', ...'êçжあ`', '😀', '𝄞', '🇫🇷'];
const text = fc.array(fc.constantFrom(...pool), { maxLength: 400 }).map((a) => a.join(''));

describe('properties', () => {
  test('count and encoding agree with sms-segments-calculator', () => {
    fc.assert(
      fc.property(text, (t) => {
        const oracle = new SegmentedMessage(t);
        const ours = countSegments(t);
        assert.equal(ours.encoding, oracle.encodingName === 'GSM-7' ? 'gsm7' : 'ucs2');
        assert.equal(ours.segments, oracle.segmentsCount);
      }),
      { numRuns: 300 },
    );
  });

  test('parts join back to the text, fit their limit and never start with a lone low surrogate', () => {
    fc.assert(
      fc.property(text, (t) => {
        const { encoding, parts } = splitText(t);
        assert.equal(parts.join(''), t);
        assert.equal(parts.length, countSegments(t).segments);
        const limit = parts.length === 1 ? LIMITS[encoding].single : LIMITS[encoding].part;
        for (const p of parts) {
          assert.ok(cost(p, encoding) <= limit);
          const first = p.charCodeAt(0);
          assert.ok(!(first >= 0xdc00 && first <= 0xdfff), 'part starts with a low surrogate');
        }
      }),
      { numRuns: 300 },
    );
  });

  test('any UTF-16 input, lone surrogates included, never has a surrogate pair cut between parts', () => {
    const raw = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 })
      .map((a) => String.fromCharCode(...a));
    fc.assert(
      fc.property(raw, (t) => {
        const { parts } = splitText(t);
        assert.equal(parts.join(''), t);
        for (let i = 1; i < parts.length; i++) {
          const prev = parts[i - 1]!;
          const last = prev.charCodeAt(prev.length - 1);
          const first = parts[i]!.charCodeAt(0);
          assert.ok(!(last >= 0xd800 && last <= 0xdbff && first >= 0xdc00 && first <= 0xdfff));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('GSM text round-trips through the septet codec', () => {
    const gsm = fc
      .array(fc.constantFrom(...'aZ09 @£é\nΔ_€^{}[]~|\\'), { maxLength: 200 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(gsm, (t) => decodeGsm7(encodeGsm7(t)) === t),
      { numRuns: 200 },
    );
  });
});
