/**
 * SMS segments: GSM 03.38 (3GPP TS 23.038) default alphabet and UCS-2, count and split.
 *
 * Pure and fast: the count runs on every send, so it is one pass over UTF-16 code units with typed-array
 * lookups (no regex, no per-char allocation). Limits come from 3GPP TS 23.040 §9.2.3.24.1: a single SMS
 * carries 140 octets = 160 septets or 70 UCS-2 units; a concatenated part loses 6 octets to the UDH
 * (`05 00 03 ref total seq`) and carries 153 septets or 67 units.
 */

/** The two codings we send: GSM 7-bit default alphabet, or UCS-2 (UTF-16BE on the wire). */
export type SmsEncoding = 'gsm7' | 'ucs2';

/** What a text costs: its coding, its length in septets (gsm7) or UTF-16 code units (ucs2), its parts. */
export interface SegmentCount {
  encoding: SmsEncoding;
  units: number;
  segments: number;
}

/** A text cut into parts that each fit one concatenated SMS (or the whole text when it fits one SMS). */
export interface SplitResult {
  encoding: SmsEncoding;
  parts: string[];
}

/** Capacity of one SMS alone and of one part of a concatenated SMS (TS 23.040 §9.2.3.24.1). */
export const LIMITS: Readonly<Record<SmsEncoding, { single: number; part: number }>> = Object.freeze({
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
});

const ESC = 0x1b;

// TS 23.038 §6.2.1, indexed by septet value. 0x1B is the escape to the extension table, not a character.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// TS 23.038 §6.2.1.1 extension table: each costs ESC + code = 2 septets.
const EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

/** Septet cost per BMP code unit: 0 = not in GSM 03.38, 1 = basic table, 2 = extension table. */
const COST = new Uint8Array(0x10000);
/** Septet value per BMP code unit (for the extension table: the code after ESC). */
const CODE = new Uint8Array(0x10000);
/** Septet → code unit, basic table; and extension code → code unit (0 = none). */
const DECODE_BASIC = new Uint16Array(128);
const DECODE_EXT = new Uint16Array(128);

for (let i = 0; i < BASIC.length; i++) {
  const u = BASIC.charCodeAt(i);
  DECODE_BASIC[i] = u;
  if (i === ESC) continue;
  COST[u] = 1;
  CODE[u] = i;
}
for (const [ch, code] of EXTENSION) {
  const u = ch.charCodeAt(0);
  COST[u] = 2;
  CODE[u] = code;
  DECODE_EXT[code] = u;
}

const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;

/** True when every character of `text` is in the GSM 03.38 basic or extension table. */
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (COST[text.charCodeAt(i)] === 0) return false;
  return true;
}

/**
 * Count `text` in one pass. Both codings' part packing is simulated at once, so the segment count is the
 * exact number of parts `splitText` produces (an escape or a surrogate pair that does not fit a part
 * moves whole to the next, which can cost one more part than `ceil(units / 153)` would say).
 */
export function countSegments(text: string): SegmentCount {
  const n = text.length;
  let gsm = true;
  let septets = 0;
  let gParts = 1;
  let gFill = 0;
  let uParts = 1;
  let uFill = 0;
  for (let i = 0; i < n; i++) {
    const u = text.charCodeAt(i);
    const w = isHigh(u) && i + 1 < n && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
    if (uFill + w > 67) {
      uParts++;
      uFill = w;
    } else uFill += w;
    if (w === 2) {
      gsm = false;
      i++;
      continue;
    }
    if (gsm) {
      const c = COST[u]!;
      if (c === 0) gsm = false;
      else {
        septets += c;
        if (gFill + c > 153) {
          gParts++;
          gFill = c;
        } else gFill += c;
      }
    }
  }
  if (gsm) return { encoding: 'gsm7', units: septets, segments: septets <= 160 ? 1 : gParts };
  return { encoding: 'ucs2', units: n, segments: n <= 70 ? 1 : uParts };
}

/**
 * Split `text` into parts on code-point boundaries: never inside a surrogate pair nor an ESC+char escape
 * (grapheme clusters may be split; TS 23.040 knows only code units). `parts.join('') === text` always.
 * A forced `encoding: 'gsm7'` on text outside GSM 03.38 is a caller bug and throws.
 */
export function splitText(text: string, opts?: { encoding?: SmsEncoding }): SplitResult {
  const gsmOk = isGsm7(text);
  const encoding: SmsEncoding = opts?.encoding ?? (gsmOk ? 'gsm7' : 'ucs2');
  if (encoding === 'gsm7' && !gsmOk) throw new RangeError('splitText: text is not GSM 03.38, use ucs2');
  const { single, part } = LIMITS[encoding];
  const n = text.length;
  const parts: string[] = [];
  let start = 0;
  let fill = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const u = text.charCodeAt(i);
    const pair = isHigh(u) && i + 1 < n && isLow(text.charCodeAt(i + 1));
    const w = encoding === 'gsm7' ? COST[u]! : pair ? 2 : 1;
    total += w;
    if (fill + w > part) {
      parts.push(text.slice(start, i));
      start = i;
      fill = w;
    } else fill += w;
    if (pair) i++;
  }
  if (total <= single) return { encoding, parts: [text] };
  parts.push(text.slice(start));
  return { encoding, parts };
}

/**
 * GSM 03.38 text as unpacked septets, one per byte, extension characters as 0x1B + code: what SMPP
 * data_coding 0/1 carries in short_message for most SMSCs (SMPP 3.4 §5.2.19 leaves packing to the MC).
 * Throws on a character outside the alphabet: check with `isGsm7` or `countSegments` first.
 */
export function encodeGsm7(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length * 2);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    const c = COST[u]!;
    if (c === 0) throw new RangeError(`encodeGsm7: U+${u.toString(16).padStart(4, '0')} is not GSM 03.38`);
    if (c === 2) out[o++] = ESC;
    out[o++] = CODE[u]!;
  }
  return out.subarray(0, o);
}

/**
 * Unpacked septets back to text (inbound). Lenient, as TS 23.038 §6.2.1.1 asks of a receiver: ESC before
 * a code the extension table lacks shows the basic-table character; a byte above 0x7F (not a septet)
 * becomes '?'; a trailing lone ESC is dropped.
 */
export function decodeGsm7(buf: Uint8Array): string {
  const out = Buffer.allocUnsafe(buf.length * 2);
  let o = 0;
  const put = (u: number) => {
    out.writeUInt16LE(u, o);
    o += 2;
  };
  for (let i = 0; i < buf.length; i++) {
    let b = buf[i]!;
    if (b > 0x7f) {
      put(0x3f);
      continue;
    }
    if (b === ESC) {
      if (i + 1 >= buf.length) break;
      b = buf[++i]! & 0x7f;
      const ext = DECODE_EXT[b]!;
      put(ext !== 0 ? ext : b === ESC ? 0x20 : DECODE_BASIC[b]!);
      continue;
    }
    put(DECODE_BASIC[b]!);
  }
  return out.toString('utf16le', 0, o);
}

/** Text as UCS-2 for SMPP data_coding 8: UTF-16BE code units (non-BMP as surrogate pairs, as phones do). */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** UTF-16BE bytes back to text; an odd trailing byte (a broken PDU) is dropped. */
export function decodeUcs2(buf: Uint8Array): string {
  const even = buf.length & ~1;
  return Buffer.from(buf.subarray(0, even)).swap16().toString('utf16le');
}

/** The concatenation facts found in a User Data Header. */
export interface ConcatInfo {
  /** Reference shared by all parts of one message (8 or 16 bits). */
  ref: number;
  total: number;
  /** 1-based part number. */
  seq: number;
  /** Bytes to skip in the user data: UDHL + its own length byte. */
  headerLength: number;
}

/** A UDH with one concatenation IE, 8-bit reference (TS 23.040 §9.2.3.24.1): `05 00 03 ref total seq`. */
export function concatUdh(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total & 0xff, seq & 0xff]);
}

/**
 * Find the concatenation IE in a UDH at the start of `buf`: IEI 0x00 (8-bit ref, §9.2.3.24.1) or 0x08
 * (16-bit ref, §9.2.3.24.8). Null when the header is malformed or carries no such IE.
 */
export function parseUdh(buf: Uint8Array): ConcatInfo | null {
  if (buf.length < 1) return null;
  const headerLength = buf[0]! + 1;
  if (headerLength > buf.length) return null;
  let i = 1;
  while (i + 2 <= headerLength) {
    const iei = buf[i]!;
    const len = buf[i + 1]!;
    const d = i + 2;
    if (d + len > headerLength) return null;
    if (iei === 0x00 && len === 3) {
      return { ref: buf[d]!, total: buf[d + 1]!, seq: buf[d + 2]!, headerLength };
    }
    if (iei === 0x08 && len === 4) {
      return { ref: (buf[d]! << 8) | buf[d + 1]!, total: buf[d + 2]!, seq: buf[d + 3]!, headerLength };
    }
    i = d + len;
  }
  return null;
}
