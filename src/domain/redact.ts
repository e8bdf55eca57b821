/**
 * Masking secrets in text that people read. A carrier's error answer may quote the request it got (its
 * `Authorization` header, an `api_key` in the URL), and that answer reaches the phone (the Send
 * Message error, the bounce notice) and the operator (`last_error`, the log). Everything said about a
 * carrier's refusal goes through here: the carrier's own configured secrets are masked by value, and
 * anything shaped like a credential is masked by its shape.
 */

/** What a masked value is replaced with. */
export const MASK = '********';

/**
 * How much of a carrier's reason the phone is shown: the Acrobits app shows the `message` of an error
 * answer in a small dialog (https://doc.acrobits.net/cloudsoftphone/web-services/send-message.html).
 */
export const PHONE_REASON_MAX = 100;

/** `postgres://u:p@h/db?password=p` → `postgres://u:********@h/db?password=********`. */
export function maskUrl(url: string): string {
  return url
    .replace(/^([a-z][\w+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, `$1:${MASK}@`)
    .replace(/([?&][^=&#]*(?:pass|secret|token|key|sig|auth)[^=&#]*=)[^&#]*/gi, `$1${MASK}`);
}

// Words after which a value is a credential: `api_key=…`, `"token": "…"`, `X-Api-Key: …`.
const WORD =
  'api[_-]?(?:key|secret|password|token)|apikey|access[_-]?token|auth[_-]?token|client[_-]?secret|' +
  'password|passwd|pwd|secret|token|signature|credentials?|authorization';
/** `word = value`, `word: value`, `"word":"value"`: the value is masked whatever it is. */
const ASSIGNED = new RegExp(
  `\\b(${WORD})(["']?\\s*[:=]\\s*["']?)(?!\\*{8}|(?:Basic|Bearer|Digest|Token)\\s)([^\\s"'&,;}<>]+)`,
  'gi',
);
/** An HTTP authentication scheme and its credentials (RFC 9110 §11.4): `Basic dTpw`, `Bearer eyJ…`. */
const SCHEME = /\b(Basic|Bearer|Digest|Token|ApiKey|Key)\s+(?!\*{8})[A-Za-z0-9._~+/=-]{6,}/g;
/** `api key is 0123abcd…`: a long base64- or hex-looking string shortly after a credential word. */
const NEAR = new RegExp(
  `\\b(${WORD}|key)\\b([^A-Za-z0-9*]{1,3}(?:is\\s+)?)([A-Za-z0-9+/_-]{16,}={0,2})`,
  'gi',
);
/** Anything that long is never a word of the carrier's sentence. */
const LONG_TOKEN = /\b(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{32,}={0,2}/g;

/**
 * `text` with each of `secrets` (a carrier's configured keys, tokens, passwords) masked wherever it
 * appears, raw or URL-encoded, and anything shaped like a credential masked as well.
 */
export function maskCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const known = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const s of known) {
    out = out.split(s).join(MASK);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join(MASK);
  }
  return out
    .replace(SCHEME, `$1 ${MASK}`)
    .replace(ASSIGNED, `$1$2${MASK}`)
    .replace(NEAR, `$1$2${MASK}`)
    .replace(LONG_TOKEN, MASK);
}

/** `text` on one line and at most `max` characters, cut at a word boundary with an ellipsis. */
export function shortText(text: string, max = PHONE_REASON_MAX): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** What the phone may be shown of a carrier's reason: masked, then short. */
export function phoneReason(text: string, secrets: readonly string[] = []): string {
  return shortText(maskCredentials(text, secrets));
}

/** A number as people and carriers write it: digits, with a `+`, spaces, dashes, dots or brackets. */
const PHONE_LIKE = /^\+?[\d\s().-]+$/;

/** Digits of a phone number a log line keeps at its end. */
export const SHOWN_DIGITS = 4;

/**
 * A phone number as a log line shows it: `+15551231234` → `+155***1234`. A number of 10 characters or
 * more keeps its first 4 (the country code, or most of it) and its last 4; a shorter one (a short code,
 * a national number) only its last 4 (`***3456`); 4 characters or fewer (an extension) stay whole.
 * Anything else (not a string, an alphanumeric sender such as `ACME`) is returned as it is.
 */
export function maskNumber<T>(n: T): T | string {
  if (typeof n !== 'string' || n.length <= SHOWN_DIGITS || !PHONE_LIKE.test(n)) return n;
  const head = n.length >= 10 ? n.slice(0, 4) : '';
  return `${head}***${n.slice(-SHOWN_DIGITS)}`;
}

/** Every run of 7 or more digits (with its `+`) in `text` masked as `maskNumber` masks a number. */
export function maskNumbersIn(text: string): string {
  return text.replace(/\+?\d{7,}/g, (n) => maskNumber(n) as string);
}
