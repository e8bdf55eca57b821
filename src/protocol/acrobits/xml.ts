/**
 * A small reader for Account XML: flat `<key>value</key>` elements inside `<account>` (or a bare
 * fragment of them, as the README and `textbridge provision` print it). It reads what the app's parser
 * would accept and refuses the rest with the line and column: an unescaped `&` (the most common
 * mistake: `&` must be written `&amp;` in element text,
 * https://doc.acrobits.net/cloudsoftphone/account.html), a `<` in text, a tag closed by another name.
 * No DTD and no external entities are read (only the five predefined entities and character
 * references are decoded), so nothing it is given can make it open a file or a URL.
 */
import { SmsError } from '../../errors.js';

/** One element: its name, its decoded text, and where it starts (1-based). */
export interface XmlEntry {
  key: string;
  value: string;
  line: number;
  column: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.-]*/;

/** Line and column (1-based) of offset `at`. */
export function position(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

/** An Account XML error: a bad request whose message names the line and column. */
export function xmlError(text: string, at: number, why: string): SmsError {
  const { line, column } = position(text, at);
  return new SmsError('SMS_ERR_BAD_REQUEST', `Account XML line ${line}, column ${column}: ${why}`, {
    line,
    column,
  });
}

/** Element text with its entities decoded; an `&` that starts no entity is an error at its place. */
function decode(text: string, from: number, to: number): string {
  let out = '';
  let i = from;
  while (i < to) {
    const amp = text.indexOf('&', i);
    if (amp < 0 || amp >= to) {
      out += text.slice(i, to);
      break;
    }
    out += text.slice(i, amp);
    const semi = text.indexOf(';', amp);
    const name = semi > amp && semi < to ? text.slice(amp + 1, semi) : '';
    let ch: string | undefined = ENTITIES[name];
    if (ch === undefined && /^#(\d{1,7}|x[0-9a-fA-F]{1,6})$/.test(name)) {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      if (code > 0 && code <= 0x10ffff) ch = String.fromCodePoint(code);
    }
    if (ch === undefined) {
      throw xmlError(text, amp, 'an unescaped "&" (write it as &amp;)');
    }
    out += ch;
    i = semi + 1;
  }
  return out;
}

/** Skip spaces, comments, the XML declaration and processing instructions from `i`. */
function skipMisc(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw xmlError(text, i, 'a comment that is never closed');
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) throw xmlError(text, i, 'a declaration that is never closed');
      i = end + 2;
    } else if (text.startsWith('<!', i)) {
      throw xmlError(text, i, 'a DOCTYPE or other declaration (not allowed in Account XML)');
    } else return i;
  }
}

/** Read `<name>` or `<name/>` at `i` (which is a `<`). */
function openTag(text: string, i: number): { name: string; end: number; empty: boolean } {
  const name = NAME.exec(text.slice(i + 1, i + 200))?.[0];
  if (!name) throw xmlError(text, i, 'a "<" that starts no element (write it as &lt;)');
  let j = i + 1 + name.length;
  while (j < text.length && /\s/.test(text[j]!)) j++;
  if (text.startsWith('/>', j)) return { name, end: j + 2, empty: true };
  if (text[j] !== '>')
    throw xmlError(text, j, `the tag <${name}> is not closed by ">" (attributes are not used)`);
  return { name, end: j + 1, empty: false };
}

/**
 * The elements of an Account XML, in order. A document whose root is `<account>` (or any one root
 * holding only flat elements) gives its children; a bare fragment gives its elements.
 */
export function parseAccountXml(text: string): XmlEntry[] {
  let i = skipMisc(text, 0);
  let root: { name: string; at: number } | undefined;
  // One root with element children: step inside it.
  if (text[i] === '<') {
    const tag = openTag(text, i);
    const next = skipMisc(text, tag.end);
    if (!tag.empty && text[next] === '<' && text[next + 1] !== '/') {
      root = { name: tag.name, at: i };
      i = next;
    }
  }
  const entries: XmlEntry[] = [];
  for (;;) {
    i = skipMisc(text, i);
    if (i >= text.length) break;
    if (root && text.startsWith(`</${root.name}`, i)) {
      const end = skipMisc(text, text.indexOf('>', i) + 1);
      if (text.indexOf('>', i) < 0 || end < text.length)
        throw xmlError(text, i, `text after </${root.name}>`);
      return entries;
    }
    if (text[i] !== '<') throw xmlError(text, i, 'text outside an element');
    const tag = openTag(text, i);
    const at = position(text, i);
    if (tag.empty) {
      entries.push({ key: tag.name, value: '', ...at });
      i = tag.end;
      continue;
    }
    let close = tag.end;
    let value = '';
    // Text and CDATA sections up to the closing tag; no nested elements in a flat Account XML.
    for (;;) {
      const lt = text.indexOf('<', close);
      if (lt < 0) throw xmlError(text, i, `<${tag.name}> is never closed`);
      value += decode(text, close, lt);
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt);
        if (end < 0) throw xmlError(text, lt, 'a CDATA section that is never closed');
        value += text.slice(lt + 9, end);
        close = end + 3;
        continue;
      }
      if (!text.startsWith('</', lt)) {
        throw xmlError(
          text,
          lt,
          `a "<" inside <${tag.name}> (write it as &lt;; Account XML elements hold text only)`,
        );
      }
      const name = NAME.exec(text.slice(lt + 2, lt + 202))?.[0];
      if (name !== tag.name) throw xmlError(text, lt, `<${tag.name}> is closed by </${name ?? ''}>`);
      const gt = text.indexOf('>', lt);
      if (gt < 0 || text.slice(lt + 2 + name.length, gt).trim() !== '') {
        throw xmlError(text, lt, `</${name}> is not closed by ">"`);
      }
      i = gt + 1;
      break;
    }
    entries.push({ key: tag.name, value, ...at });
  }
  if (root) throw xmlError(text, root.at, `<${root.name}> is never closed`);
  return entries;
}
