/**
 * Password hashing with node:crypto scrypt (no native add-on to build). Stored form:
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`, so parameters can be raised later without a migration.
 * Verification is constant-time (timingSafeEqual) and runs on libuv's thread pool, off the event loop.
 *
 * Exact means exact. A password is normalised the same way when it is hashed and when it is checked:
 * spaces around it are trimmed (as the server reads every credential: a production Account XML template
 * adds a trailing space), and nothing else is changed. A password containing U+0000 is never hashed
 * and never verifies: scrypt's PBKDF2-HMAC-SHA256 pads a key shorter than 64 bytes with zero bytes
 * (RFC 2104, section 2), so `pw` and `pw` followed by NULs would otherwise derive the same key.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors.js';
import { parseScrypt, verifyHa1, verifyImportedBcrypt } from './imported-hashes.js';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  keylen = KEYLEN,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** A password as it is hashed and checked: trimmed; undefined when it is empty or holds a NUL. */
export function normalisePassword(password: string): string | undefined {
  const pw = password.trim();
  return pw === '' || pw.includes('\u0000') ? undefined : pw;
}

/** Hash a new password (normalised, see `normalisePassword`) with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const pw = normalisePassword(password);
  if (pw === undefined) throw badRequest('A password must not be empty or contain a NUL character');
  const salt = randomBytes(16);
  const key = await derive(pw, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Check a password against a stored hash: textbridge's own scrypt form, or one imported from another
 * system (app/imported-hashes.ts: a SIP digest HA1, bcrypt, PHC scrypt). `username` is the account's,
 * which an HA1 hashes. False for a malformed hash, never a throw.
 */
export async function verifyPassword(password: string, stored: string, username = ''): Promise<boolean> {
  const pw = normalisePassword(password);
  if (pw === undefined) return false;
  if (!stored.startsWith('scrypt$')) return verifyImported(pw, stored, username);
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!Number.isInteger(n) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length !== KEYLEN) {
    return false;
  }
  const key = await derive(pw, salt, n, r, p);
  return timingSafeEqual(key, expected);
}

async function verifyImported(pw: string, stored: string, username: string): Promise<boolean> {
  try {
    const ha1 = verifyHa1(pw, stored, username);
    if (ha1 !== undefined) return ha1;
    const bcrypt = verifyImportedBcrypt(pw, stored);
    if (bcrypt !== undefined) return await bcrypt;
    const s = parseScrypt(stored);
    if (!s) return false;
    const key = await derive(pw, s.salt, s.n, s.r, s.p, s.hash.length);
    return timingSafeEqual(key, s.hash);
  } catch {
    return false;
  }
}

/** A hash of a random password: checked against when the username is unknown, so timing does not tell. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(12).toString('base64'));
