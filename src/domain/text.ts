/**
 * What counts as text a message may carry. U+0000 is refused because PostgreSQL's `text` type cannot
 * hold it (https://www.postgresql.org/docs/current/datatype-character.html) and no phone shows it; an
 * unpaired UTF-16 surrogate because it is not a Unicode scalar value and has no UTF-8 encoding
 * (https://www.unicode.org/versions/latest/core-spec/chapter-3/#G7404), so it would be stored and sent
 * as replacement characters. Both engines refuse the same text, before it reaches either. Where text
 * is only written out (a carrier's URL or header), an unpaired surrogate becomes U+FFFD instead.
 */

/** A surrogate that is not half of a pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** U+0000, or a surrogate that is not half of a pair. */
const NOT_TEXT = new RegExp(`\\0|${LONE_SURROGATE.source}`);

/** True when `s` has no U+0000 and no unpaired surrogate. */
export function isText(s: string): boolean {
  return !NOT_TEXT.test(s);
}

/**
 * UTF-8 percent-encoding that keeps only RFC 3986's unreserved characters (ALPHA DIGIT `-._~`): what
 * `encodeURIComponent` does, plus `!'()*`; every byte it writes is also a valid RFC 8187 value-char.
 * An unpaired surrogate (which `encodeURIComponent` throws on) is written as U+FFFD.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `encodeURIComponent`, with an unpaired surrogate (which it throws on) written as U+FFFD. */
export function encodeComponent(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}
