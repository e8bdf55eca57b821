/**
 * bcrypt verification (`$2a$`, `$2b$`, `$2y$`), for password hashes imported from another system.
 * node:crypto has no raw Blowfish, and no bcrypt package is a dependency, so this is the algorithm as
 * Provos and Mazières describe it ("A Future-Adaptable Password Scheme", USENIX 1999,
 * https://www.usenix.org/legacy/events/usenix99/provos/provos.pdf) and as OpenBSD implements it
 * (https://github.com/openbsd/src/blob/master/lib/libc/crypt/bcrypt.c): EksBlowfish over the key
 * (the password's UTF-8 bytes and a NUL, the first 72 bytes), then "OrpheanBeholderScryDoubt"
 * encrypted 64 times, 23 bytes of it kept.
 *
 * Blowfish's initial state, the digits of pi, is in bcrypt-pi.ts.
 *
 * A check runs on the event loop (there is no thread-pool Blowfish), so it yields to other work
 * every few rounds: at cost 10 the loop is never held for more than a few milliseconds.
 */
import { timingSafeEqual } from 'node:crypto';
import { BLOWFISH_INIT } from './bcrypt-pi.js';

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `$2b$10$` + 22 characters of salt + 31 of hash. */
export const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
/** Costs accepted: 4 is bcrypt's least; above 16 one check would take seconds. */
export const BCRYPT_MAX_COST = 16;
const ROUNDS_PER_YIELD = 16;

function decode64(s: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let bitsHeld = 0;
  let acc = 0;
  let n = 0;
  for (const ch of s) {
    acc = (acc << 6) | ALPHABET.indexOf(ch);
    bitsHeld += 6;
    if (bitsHeld >= 8) {
      bitsHeld -= 8;
      if (n < bytes) out[n++] = (acc >> bitsHeld) & 0xff;
    }
  }
  return out;
}

/** The state: P in words 0…17, the four S-boxes after it. */
class Blowfish {
  readonly s = new Uint32Array(BLOWFISH_INIT);
  private readonly lr = new Uint32Array(2);

  private readonly p = this.s.subarray(0, 18);
  private readonly s0 = this.s.subarray(18, 274);
  private readonly s1 = this.s.subarray(274, 530);
  private readonly s2 = this.s.subarray(530, 786);
  private readonly s3 = this.s.subarray(786, 1042);

  private encipher(lr: Uint32Array): void {
    const { p, s0, s1, s2, s3 } = this;
    let l = lr[0]! ^ p[0]!;
    let r = lr[1]!;
    for (let i = 1; i <= 16; i += 2) {
      r ^= (((s0[l >>> 24]! + s1[(l >>> 16) & 0xff]!) ^ s2[(l >>> 8) & 0xff]!) + s3[l & 0xff]!) ^ p[i]!;
      l ^= (((s0[r >>> 24]! + s1[(r >>> 16) & 0xff]!) ^ s2[(r >>> 8) & 0xff]!) + s3[r & 0xff]!) ^ p[i + 1]!;
    }
    lr[0] = r ^ p[17]!;
    lr[1] = l;
  }

  /** Blowfish's key schedule, with bcrypt's salt folded in when `salt` is given. */
  expand(key: Uint32Array, salt?: Uint32Array): void {
    const s = this.s;
    for (let i = 0; i < 18; i++) s[i] = s[i]! ^ key[i % key.length]!;
    const lr = this.lr;
    lr[0] = 0;
    lr[1] = 0;
    for (let i = 0, j = 0; i < 18 + 1024; i += 2, j = (j + 2) % 4) {
      if (salt) {
        lr[0] = lr[0]! ^ salt[j]!;
        lr[1] = lr[1]! ^ salt[j + 1]!;
      }
      this.encipher(lr);
      s[i] = lr[0]!;
      s[i + 1] = lr[1]!;
    }
  }

  encrypt(words: Uint32Array): void {
    const lr = this.lr;
    for (let i = 0; i < words.length; i += 2) {
      lr[0] = words[i]!;
      lr[1] = words[i + 1]!;
      this.encipher(lr);
      words[i] = lr[0]!;
      words[i + 1] = lr[1]!;
    }
  }
}

/** Bytes read cyclically as big-endian words, as Blowfish_stream2word does. */
function cyclicWords(bytes: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let w = 0, j = 0; w < count; w++) {
    let v = 0;
    for (let k = 0; k < 4; k++, j = (j + 1) % bytes.length) v = (v << 8) | bytes[j]!;
    out[w] = v >>> 0;
  }
  return out;
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The 23 bytes bcrypt keeps, for a password, a 16-byte salt and a cost. */
async function bcryptRaw(password: string, salt: Buffer, cost: number): Promise<Buffer> {
  const keyBytes = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.of(0)]).subarray(0, 72);
  const key = cyclicWords(keyBytes, 18);
  const saltWords = cyclicWords(salt, 4);
  const bf = new Blowfish();
  bf.expand(key, saltWords);
  const rounds = 2 ** cost;
  for (let i = 0; i < rounds; i++) {
    bf.expand(key);
    bf.expand(saltWords);
    if (i % ROUNDS_PER_YIELD === ROUNDS_PER_YIELD - 1) await yieldNow();
  }
  const text = cyclicWords(Buffer.from('OrpheanBeholderScryDoubt'), 6);
  for (let i = 0; i < 64; i++) bf.encrypt(text);
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(text[i]!, i * 4);
  return out.subarray(0, 23);
}

/** Does `password` match the bcrypt hash `stored`? False for anything malformed, never a throw. */
export async function verifyBcrypt(password: string, stored: string): Promise<boolean> {
  const m = BCRYPT_HASH.exec(stored);
  if (!m) return false;
  const cost = Number(m[1]);
  if (cost < 4 || cost > BCRYPT_MAX_COST) return false;
  const raw = await bcryptRaw(password, decode64(m[2]!, 16), cost);
  return timingSafeEqual(raw, decode64(m[3]!, 23));
}
