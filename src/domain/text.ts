/**
 * What counts as text a message may carry. U+0000 is refused because PostgreSQL's `text` type cannot
 * hold it (https://www.postgresql.org/docs/current/datatype-character.html) and no phone shows it; an
 * unpaired UTF-16 surrogate because it is not a Unicode scalar value and has no UTF-8 encoding
 * (https://www.unicode.org/versions/latest/core-spec/chapter-3/#G7404), so it would be stored and sent
 * as replacement characters. Both engines refuse the same text, before it reaches either.
 */

/** U+0000, or a surrogate that is not half of a pair. */
const NOT_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `s` has no U+0000 and no unpaired surrogate. */
export function isText(s: string): boolean {
  return !NOT_TEXT.test(s);
}
