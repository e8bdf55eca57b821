/**
 * Recipient addresses: what `sms_to` may be, normalised for routing, the raw value kept for display.
 *
 * The app sends the dialled address after its own Number Rewriting (send_message doc, `sms_to`), and
 * the provider's template decides the encoding, so we accept every shape seen in the wild (protocol
 * notes §8.3, §8.4): `+1(555)123-1234`, `555-123-1234` with the sender's region, `0044 …`, `011 …`,
 * `15551231234`, a leading space that was a form-decoded `+` (§0.1), `tel:` URIs, SIP addresses
 * (`sip:alice@example.com`, `alice@example.com`) and bare local usernames or extensions (`201`, `bob`).
 *
 * Phone numbers use libphonenumber-js with "possible" (length) rather than "valid" checks: fictional
 * 555 numbers and fresh number ranges must still pass, and the carrier has the final word.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { Lru } from './lru.js';

export type Address =
  /** An ordinary phone number, E.164 with `+`. */
  | { kind: 'phone'; e164: string }
  /** Digits only, too short to be a phone number: an extension, a local account or a short code. */
  | { kind: 'short'; digits: string }
  /** `user@domain` (scheme and URI parameters removed). */
  | { kind: 'sip'; user: string; domain: string }
  /** A bare name: a local username. */
  | { kind: 'local'; name: string };

/** Printable form of an address, as stored in `to_addr`. */
export function formatAddress(a: Address): string {
  switch (a.kind) {
    case 'phone':
      return a.e164;
    case 'short':
      return a.digits;
    case 'sip':
      return `${a.user}@${a.domain}`;
    case 'local':
      return a.name;
  }
}

const LOCAL_NAME = /^[\p{L}\p{N}._\-*]{1,64}$/u;
const PHONE_CHARS = /^[+\d\s().\-/]+$/;
const SIP_USER = /^[^\s@<>"]{1,128}$/;
const SIP_DOMAIN = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

/**
 * Parse a recipient as the app sent it. `region` is the sender's default region for national numbers.
 * Returns undefined for anything that is not an address (the caller answers 406 "Invalid recipient").
 */
export function parseAddress(raw: string, region: string): Address | undefined {
  // Parsing a number costs ~15 µs; conversations repeat recipients, so results are memoised, in an LRU
  // of MEMO_SIZE entries. A text longer than any address is parsed (and refused) without being kept: a
  // recipient is whatever a client sends, and 10,000 kept texts of a megabyte each would be 20 GB.
  if (raw.length > MAX_ADDRESS_CHARS) return parseUncached(raw, region);
  const key = `${region}\u0000${raw}`;
  const hit = memo.get(key);
  if (hit !== undefined || memo.has(key)) return hit;
  const parsed = parseUncached(raw, region);
  memo.set(key, parsed && Object.freeze(parsed));
  return parsed;
}

/** Longest address text parsed (after trimming); longer is not an address. */
const MAX_ADDRESS_CHARS = 300;
const MEMO_SIZE = 10_000;
const memo = new Lru<string, Address | undefined>(MEMO_SIZE);

function parseUncached(raw: string, region: string): Address | undefined {
  // A form-decoded `+` arrives as a space: " 15551231234" means "+15551231234".
  let s = raw.replace(/^[ ]+(?=\d)/, '+').trim();
  if (s.length === 0 || s.length > MAX_ADDRESS_CHARS) return undefined;
  s = s.replace(/^tel:/i, '');

  if (/^sips?:/i.test(s) || s.includes('@')) return parseSip(s, region);
  if (PHONE_CHARS.test(s) && /\d/.test(s)) return parsePhone(s, region);
  if (LOCAL_NAME.test(s)) return { kind: 'local', name: s };
  return undefined;
}

function parseSip(s: string, region: string): Address | undefined {
  let rest = s.replace(/^sips?:/i, '');
  rest = rest.split(/[;?>]/, 1)[0] ?? '';
  const at = rest.lastIndexOf('@');
  if (at <= 0) {
    // `sip:201` without a host: treat the user part as a plain address.
    return rest && !rest.includes('@') ? parseUncached(rest, region) : undefined;
  }
  const user = rest.slice(0, at);
  const domain = rest.slice(at + 1).toLowerCase();
  if (!SIP_USER.test(user) || !SIP_DOMAIN.test(domain)) return undefined;
  return { kind: 'sip', user, domain };
}

function parsePhone(s: string, region: string): Address | undefined {
  const digits = s.replace(/\D/g, '');
  if (digits.length === 0 || digits.length > 17) return undefined;
  const plus = s.startsWith('+');
  if (!plus && digits.length <= 6) return { kind: 'short', digits };
  if (plus) return e164(`+${digits}`);
  // `00` is the international prefix almost everywhere; `011` (NANP) is understood by libphonenumber.
  if (digits.startsWith('00')) return e164(`+${digits.slice(2)}`);
  const national = parsePhoneNumberFromString(digits, toCountry(region));
  if (national?.isPossible()) return { kind: 'phone', e164: national.number };
  // Not a national number of the sender's region: it may be international without its `+`.
  return e164(`+${digits}`) ?? (digits.length <= 8 ? { kind: 'short', digits } : undefined);
}

function e164(s: string): Address | undefined {
  const n = parsePhoneNumberFromString(s);
  return n?.isPossible() ? { kind: 'phone', e164: n.number } : undefined;
}

function toCountry(region: string): CountryCode | undefined {
  return /^[A-Z]{2}$/.test(region) ? (region as CountryCode) : undefined;
}

/** True when `region` is a two-letter region libphonenumber knows (for account validation). */
/**
 * How an account appears to its peers: its first number, or its username when it has none. Every
 * message from the account carries it as `from`, and every on-net message to the account is stored
 * with it as `to`, whatever address the sender typed (`bob`, `sip:bob@host`, `bob@host` or one of
 * bob's numbers), so one peer is one conversation (one `stream_id`) in the app.
 */
export function accountAddress(account: {
  readonly numbers: readonly string[];
  readonly username: string;
}): string {
  return account.numbers[0] ?? account.username;
}

export function isKnownRegion(region: string): boolean {
  return /^[A-Z]{2}$/.test(region) && isSupportedCountry(region);
}
