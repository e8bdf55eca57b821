/**
 * Bulk import for the admin API: CSV or JSON lines read as they arrive, each account created or
 * updated by username (so the same file imported twice leaves the same accounts), and one report line
 * per input line, given only once its batch is committed.
 *
 * The columns are `account import`'s (app/account-import.ts, docs/accounts.md): `username`, one of
 * `password`, `ha1` + `realm` (+ `sip_username`), `bcrypt`, `scrypt`; `numbers`, `region`, `credit`.
 * Unlike `account import`, which skips a username that exists, this one updates it: its credential and
 * region, its numbers when the line gives `numbers`, its balance when the line gives `credit`.
 * A password costs a 30 ms scrypt hash; a hash costs only its check: bring hashes for big imports.
 */

import { isKnownRegion } from '../domain/address.js';
import { SmsError } from '../errors.js';
import { credentialOf, csvHeader, csvRow, type Row, str } from './account-import.js';
import { accountNumber, MAX_USERNAME_CHARS, parseAmount } from './accounts.js';
import { importedHash } from './imported-hashes.js';
import { hashPassword } from './passwords.js';
import type { Clock } from './ports.js';

/** One account ready to store. */
export interface UpsertRow {
  username: string;
  passwordHash: string;
  region: string;
  /** Absent: left as it is (a new account: unlimited); null: unlimited. */
  creditMicros?: number | null;
  /** Absent: left as they are. */
  numbers?: string[];
}

export type UpsertResult = 'created' | 'updated' | { error: string };

/** What the import needs from the store. */
export interface AccountUpsertStore {
  /** Create or update each row in one durable transaction; one result per row, in order. */
  upsertBatch(rows: readonly UpsertRow[], now: number): Promise<UpsertResult[]>;
}

/** One line of the report. */
export interface ImportLine {
  line: number;
  username?: string;
  result: 'created' | 'updated' | 'error';
  reason?: string;
}

/** Rows committed per transaction: one fsync for this many accounts. */
const BATCH = 500;
const USERNAME = new RegExp(`^[^\\s:/?#]{1,${MAX_USERNAME_CHARS}}$`);

/** The lines of a CSV or JSON-lines file as rows, each with its 1-based line number or its error. */
export async function* rowsOf(
  lines: AsyncIterable<string>,
): AsyncGenerator<{ line: number; row?: Row; error?: string }> {
  let n = 0;
  let header: string[] | undefined;
  let json: boolean | undefined;
  for await (const raw of lines) {
    n++;
    const l = raw.replace(/\r$/, '');
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    json ??= l.trimStart().startsWith('{');
    if (json) {
      try {
        const v = JSON.parse(l) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
        yield { line: n, row: v as Row };
      } catch {
        yield { line: n, error: 'not a JSON object' };
      }
      continue;
    }
    if (!header) {
      const head = csvHeader(l);
      if ('error' in head) {
        yield { line: n, error: head.error };
        return;
      }
      header = head.header;
      continue;
    }
    yield { line: n, ...csvRow(header, l) };
  }
}

/** A row checked and hashed, ready to store; throws an SmsError with the reason otherwise. */
async function prepare(row: Row, defaultRegion: string): Promise<UpsertRow> {
  const username = str(row, 'username')?.trim();
  if (!username || !USERNAME.test(username)) throw new SmsError('SMS_ERR_BAD_REQUEST', 'no valid username');
  const region = (str(row, 'region') ?? defaultRegion).toUpperCase();
  if (!isKnownRegion(region)) throw new SmsError('SMS_ERR_BAD_REQUEST', `unknown region ${region}`);
  const cred = credentialOf(row);
  const passwordHash =
    'password' in cred ? await hashPassword(cred.password) : importedHash(cred.hash, username);
  let numbers: string[] | undefined;
  if (row['numbers'] !== undefined) {
    const given = row['numbers'];
    if (!Array.isArray(given) || !given.every((x) => typeof x === 'string')) {
      throw new SmsError('SMS_ERR_BAD_REQUEST', 'numbers must be a list of numbers');
    }
    numbers = [...new Set(given.map((x) => accountNumber(x, region)))];
  }
  const credit = str(row, 'credit');
  let creditMicros: number | null | undefined;
  if (credit === 'unlimited') creditMicros = null;
  else if (credit !== undefined) {
    creditMicros = parseAmount(credit);
    if (creditMicros < 0) throw new SmsError('SMS_ERR_BAD_REQUEST', `credit must not be negative: ${credit}`);
  }
  return {
    username,
    passwordHash,
    region,
    ...(creditMicros === undefined ? {} : { creditMicros }),
    ...(numbers === undefined ? {} : { numbers }),
  };
}

/** Import `lines`; yields the report, a batch at a time, each line after its batch is durable. */
export async function* upsertAccounts(
  store: AccountUpsertStore,
  clock: Clock,
  lines: AsyncIterable<string>,
  defaultRegion: string,
): AsyncGenerator<ImportLine> {
  let batch: Array<{ line: number; row?: UpsertRow; username?: string; error?: string }> = [];
  const flush = async function* () {
    const ready = batch.filter((b) => b.row).map((b) => b.row!);
    const results = ready.length > 0 ? await store.upsertBatch(ready, clock.now()) : [];
    let i = 0;
    for (const b of batch) {
      const user = b.username === undefined ? {} : { username: b.username };
      if (!b.row) {
        yield { line: b.line, ...user, result: 'error' as const, reason: b.error! };
        continue;
      }
      const r = results[i++]!;
      yield typeof r === 'string'
        ? { line: b.line, ...user, result: r }
        : { line: b.line, ...user, result: 'error' as const, reason: r.error };
    }
    batch = [];
  };
  for await (const { line, row, error } of rowsOf(lines)) {
    const username = row && typeof row['username'] === 'string' ? row['username'].trim() : undefined;
    const user = username === undefined ? {} : { username };
    if (!row) batch.push({ line, error: error! });
    else {
      try {
        batch.push({ line, ...user, row: await prepare(row, defaultRegion) });
      } catch (e) {
        if (!(e instanceof SmsError)) throw e;
        batch.push({ line, ...user, error: e.message });
      }
    }
    if (batch.length >= BATCH) yield* flush();
  }
  yield* flush();
}
