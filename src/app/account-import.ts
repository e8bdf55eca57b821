/**
 * `account import <file>`: many accounts at once, from CSV or JSON lines, each with one credential
 * (a password, or a hash from another system: app/imported-hashes.ts).
 *
 * - JSON lines: one object per line, `{"username", "password" | "ha1" + "realm" (+ "sip_username") |
 *   "bcrypt" | "scrypt", "numbers": [..], "region", "credit"}`. A file whose first non-blank line
 *   starts with `{` is read this way.
 * - CSV (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180): a header line naming the same columns,
 *   then one account per line; `numbers` holds several separated by `;`; quote a field
 *   holding a comma (a PHC scrypt hash does).
 *
 * Every line is its own account: a bad line is reported with its number and reason, the others are
 * imported. Re-running the same file is safe: a username that already exists is skipped and left as
 * it is (never updated, so a re-run cannot undo a password or credit changed since), and reported as
 * skipped. Blank lines and lines starting with `#` are ignored.
 */
import { SmsError } from '../errors.js';
import type { AccountAdmin, ImportedCredential } from './accounts.js';

export interface ImportReport {
  imported: string[];
  skipped: { line: number; username: string; reason: string }[];
  errors: { line: number; reason: string }[];
}

export type Row = Record<string, unknown>;

/** One CSV line's fields (quotes as RFC 4180); undefined when a quote is left open. */
export function csvFields(line: string): string[] | undefined {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) return undefined;
  out.push(field);
  return out;
}

export const COLUMNS = [
  'username',
  'password',
  'ha1',
  'realm',
  'sip_username',
  'bcrypt',
  'scrypt',
  'numbers',
  'region',
  'credit',
];

/** The lines of a file as rows, each with its 1-based line number, or the reason it cannot be read. */
export function readRows(text: string): { line: number; row?: Row; error?: string }[] {
  const lines = text.split(/\r?\n/);
  const wanted = (l: string) => l.trim() !== '' && !l.trimStart().startsWith('#');
  const first = lines.findIndex(wanted);
  if (first < 0) return [];
  const out: { line: number; row?: Row; error?: string }[] = [];
  if (lines[first]!.trimStart().startsWith('{')) {
    lines.forEach((l, i) => {
      if (!wanted(l)) return;
      try {
        const v = JSON.parse(l) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
        out.push({ line: i + 1, row: v as Row });
      } catch {
        out.push({ line: i + 1, error: 'not a JSON object' });
      }
    });
    return out;
  }
  const head = csvHeader(lines[first]!);
  if ('error' in head) return [{ line: first + 1, error: head.error }];
  const { header } = head;
  for (let i = first + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!wanted(l)) continue;
    out.push({ line: i + 1, ...csvRow(header, l) });
  }
  return out;
}

/** A CSV header line: its column names, lower-cased, or why it cannot be one. */
export function csvHeader(line: string): { header: string[] } | { error: string } {
  const header = (csvFields(line) ?? []).map((h) => h.trim().toLowerCase());
  const unknown = header.filter((h) => !COLUMNS.includes(h));
  if (header.includes('username') && unknown.length === 0) return { header };
  const why = unknown.length > 0 ? `unknown column ${unknown.join(', ')}` : 'no username column';
  return { error: `the header line must name the columns (${why}; known: ${COLUMNS.join(', ')})` };
}

/** One CSV line under `header` as a row (empty fields left out, `numbers` split on `;`), or why not. */
export function csvRow(header: readonly string[], line: string): { row: Row } | { error: string } {
  const f = csvFields(line);
  if (!f) return { error: 'a quoted field is not closed' };
  if (f.length !== header.length)
    return { error: `${f.length} fields where the header has ${header.length}` };
  const row: Row = {};
  header.forEach((h, k) => {
    const v = f[k]!.trim();
    if (v !== '')
      row[h] =
        h === 'numbers'
          ? v
              .split(';')
              .map((n) => n.trim())
              .filter(Boolean)
          : v;
  });
  return { row };
}

export const str = (row: Row, key: string): string | undefined => {
  const v = row[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && key === 'credit') return String(v);
  throw new SmsError('SMS_ERR_BAD_REQUEST', `${key} must be text`);
};

/** The one credential a row carries, or the reason it has none or several. */
export function credentialOf(row: Row): { password: string } | { hash: ImportedCredential } {
  const given = ['password', 'ha1', 'bcrypt', 'scrypt'].filter((k) => str(row, k) !== undefined);
  if (given.length !== 1) {
    throw new SmsError(
      'SMS_ERR_BAD_REQUEST',
      given.length === 0
        ? 'no credential (give one of password, ha1 with realm, bcrypt, scrypt)'
        : `several credentials (${given.join(', ')}); give exactly one`,
    );
  }
  const password = str(row, 'password');
  if (password !== undefined) return { password };
  const ha1 = str(row, 'ha1');
  if (ha1 !== undefined) {
    const sip = str(row, 'sip_username');
    return {
      hash: { ha1, realm: str(row, 'realm') ?? '', ...(sip === undefined ? {} : { sipUsername: sip }) },
    };
  }
  const bcrypt = str(row, 'bcrypt');
  return { hash: bcrypt !== undefined ? { bcrypt } : { scrypt: str(row, 'scrypt')! } };
}

/** Import every good row; report the others by line. `region` is the default for rows without one. */
export async function importAccounts(
  admin: AccountAdmin,
  text: string,
  region: string,
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], skipped: [], errors: [] };
  for (const { line, row, error } of readRows(text)) {
    if (!row) {
      report.errors.push({ line, reason: error! });
      continue;
    }
    try {
      const username = str(row, 'username');
      if (!username) throw new SmsError('SMS_ERR_BAD_REQUEST', 'no username');
      if (await admin.find(username)) {
        report.skipped.push({ line, username, reason: 'exists (left as it is)' });
        continue;
      }
      const numbers = row.numbers ?? [];
      if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === 'string')) {
        throw new SmsError('SMS_ERR_BAD_REQUEST', 'numbers must be a list of numbers');
      }
      const credit = str(row, 'credit');
      const view = await admin.add({
        username,
        ...credentialOf(row),
        numbers,
        region: str(row, 'region') ?? region,
        ...(credit === undefined ? {} : { credit }),
      });
      report.imported.push(view.username);
    } catch (e) {
      if (!(e instanceof SmsError)) throw e;
      report.errors.push({ line, reason: e.message });
    }
  }
  return report;
}
