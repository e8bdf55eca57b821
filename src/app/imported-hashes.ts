/**
 * Password hashes brought from another system, stored as they are in `accounts.password_hash` with a
 * prefix that says what they are (no migration: every form is text, and textbridge's own form starts
 * with `scrypt$`):
 *
 * - `ha1$<realm>$<md5 hex>` or `ha1$<realm>$<md5 hex>$<SIP username>`: a SIP digest HA1,
 *   MD5(`username:realm:password`) (RFC 2617 section 3.2.2.2, RFC 8760), as Asterisk (`md5_cred`),
 *   Kamailio (`ha1` column) and FreeSWITCH (`a1-hash`) store it. The SIP username is kept only when it
 *   differs from the textbridge username; realm and SIP username are percent-encoded so a `$` in them
 *   cannot be mistaken for a separator.
 * - `$2a$`, `$2b$`, `$2y$`: bcrypt (app/bcrypt.ts).
 * - `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`: scrypt in the PHC string format
 *   (https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md), as passlib writes it
 *   (https://passlib.readthedocs.io/en/stable/lib/passlib.hash.scrypt.html): base64 without padding,
 *   passlib's `.` for `+` accepted; the salt is the decoded bytes.
 * - `scrypt$N$r$p$salt$hash`: textbridge's own form (app/passwords.ts), from another textbridge.
 *
 * Each is checked against the password exactly as the app sends it after the one normalisation every
 * password gets (spaces around it trimmed, see app/passwords.ts), and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../errors.js';
import { BCRYPT_HASH, BCRYPT_MAX_COST, verifyBcrypt } from './bcrypt.js';

/** The credential an account is created with: a password to hash, or a hash brought as it is. */
export type Credential =
  | { password: string }
  | { ha1: string; realm: string; sipUsername?: string }
  | { bcrypt: string }
  | { scrypt: string };

/** Scrypt costs accepted from another system: up to N = 2^20 (1 GiB at r = 8 would be refused). */
const MAX_LOG2_N = 20;
const MAX_SCRYPT_MEM = 256 * 1024 * 1024;
const PHC_SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/.]+)\$([A-Za-z0-9+/.]+)$/;
const OWN_SCRYPT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;
const HA1 = /^ha1\$([^$]*)\$([0-9a-f]{32})(?:\$([^$]+))?$/;

/** Scrypt parameters and bytes from either stored form; undefined when malformed or too costly. */
export function parseScrypt(
  stored: string,
): { n: number; r: number; p: number; salt: Buffer; hash: Buffer } | undefined {
  const phc = PHC_SCRYPT.exec(stored);
  const own = phc ? undefined : OWN_SCRYPT.exec(stored);
  const m = phc ?? own;
  if (!m) return undefined;
  const b64 = (s: string) => Buffer.from(s.replace(/\./g, '+'), 'base64');
  const n = phc ? 2 ** Number(m[1]) : Number(m[1]);
  const [r, p] = [Number(m[2]), Number(m[3])];
  const salt = b64(m[4]!);
  const hash = b64(m[5]!);
  const ok =
    Number.isSafeInteger(n) &&
    n >= 2 &&
    n <= 2 ** MAX_LOG2_N &&
    (n & (n - 1)) === 0 &&
    r >= 1 &&
    p >= 1 &&
    128 * n * r <= MAX_SCRYPT_MEM &&
    p <= 16 &&
    hash.length >= 16 &&
    hash.length <= 64 &&
    salt.length > 0;
  return ok ? { n, r, p, salt, hash } : undefined;
}

/** Does the normalised `password` match a SIP digest HA1 stored as above, for `username`? */
export function verifyHa1(password: string, stored: string, username: string): boolean | undefined {
  const m = HA1.exec(stored);
  if (!m) return undefined;
  const realm = decodeURIComponent(m[1]!);
  const user = m[3] === undefined ? username : decodeURIComponent(m[3]);
  const digest = createHash('md5').update(`${user}:${realm}:${password}`, 'utf8').digest();
  return timingSafeEqual(digest, Buffer.from(m[2]!, 'hex'));
}

/** A bcrypt hash: undefined when `stored` is not one. */
export function verifyImportedBcrypt(password: string, stored: string): Promise<boolean> | undefined {
  return stored.startsWith('$2') ? verifyBcrypt(password, stored) : undefined;
}

const FIELD_SAFE = (s: string) => encodeURIComponent(s);

/**
 * The stored form of an imported hash, checked: a malformed or unusable hash is refused here, with the
 * reason, rather than stored and never matching. `username` is the textbridge username.
 */
export function importedHash(c: Exclude<Credential, { password: string }>, username: string): string {
  if ('ha1' in c) {
    const hex = c.ha1.trim().toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) throw badRequest('An HA1 hash is 32 hexadecimal digits (an MD5)');
    const realm = c.realm.trim();
    if (realm === '' || realm.includes('\u0000'))
      throw badRequest('An HA1 hash needs its SIP realm (--realm)');
    const sip = c.sipUsername?.trim();
    if (sip !== undefined && (sip === '' || sip.includes('\u0000')))
      throw badRequest('The SIP username must not be empty');
    const tail = sip === undefined || sip === username ? '' : `$${FIELD_SAFE(sip)}`;
    return `ha1$${FIELD_SAFE(realm)}$${hex}${tail}`;
  }
  if ('bcrypt' in c) {
    const h = c.bcrypt.trim();
    const m = BCRYPT_HASH.exec(h);
    if (!m) throw badRequest('Not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost and 53 characters)');
    const cost = Number(m[1]);
    if (cost < 4 || cost > BCRYPT_MAX_COST)
      throw badRequest(`A bcrypt cost must be from 4 to ${BCRYPT_MAX_COST}, not ${cost}`);
    return h;
  }
  const h = c.scrypt.trim();
  if (!parseScrypt(h)) {
    throw badRequest(
      "Not a usable scrypt hash (expected $scrypt$ln=…,r=…,p=…$salt$hash or textbridge's scrypt$N$r$p$salt$hash, N at most 2^20)",
    );
  }
  return h;
}
