/**
 * Account statements, one per function. `Q` is a Kysely instance or transaction.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { AccountProfile } from '../../app/account-profile.js';
import type { Account } from '../../app/ports.js';
import { prepare } from '../engine/prepared.js';
import type { DB } from './schema.js';

export type Q = Kysely<DB> | Transaction<DB>;

type AccountRow = Omit<Account, 'numbers'>;

const columns = [
  'id',
  'username',
  'password_hash as passwordHash',
  'region',
  'credit_micros as creditMicros',
] as const;

const profileColumns = ['display_name as displayName', 'contact_group as group'] as const;

const withNumberColumns = [
  'a.id',
  'a.username',
  'a.password_hash as passwordHash',
  'a.region',
  'a.credit_micros as creditMicros',
  'n.number',
] as const;

/** Rows of an account left-joined with its numbers (one row per number) → one Account. */
function fold(rows: readonly AccountWithNumber[]): Account | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const { number: _n, ...account } = first;
  return {
    ...account,
    id: Number(account.id),
    numbers: rows.flatMap((r) => (r.number === null ? [] : [r.number])),
  };
}

type AccountWithNumber = AccountRow & { number: string | null };

/**
 * select a.*, n.number from accounts a left join account_numbers n … where a.username = ?
 * One round trip for the account and its numbers; runs on every app request, so compiled once.
 */
const byUsername = prepare<string, AccountWithNumber>(
  (q, username) =>
    q
      .selectFrom('accounts as a')
      .leftJoin('account_numbers as n', 'n.account_id', 'a.id')
      .select(withNumberColumns)
      .where('a.username', '=', username)
      .orderBy('n.position'),
  (username) => [username],
);

export async function findAccountByUsername(q: Q, username: string): Promise<Account | undefined> {
  return fold((await byUsername.run(q, username)).rows);
}

/**
 * select username from accounts where lower(username) = lower(?): the spelling already stored for a
 * name, whatever its case (served by the unique index accounts_username_lower).
 */
export async function usernameSpelling(q: Q, username: string): Promise<string | undefined> {
  const row = await q
    .selectFrom('accounts')
    .select('username')
    .where(sql<string>`lower(username)`, '=', sql<string>`lower(${username})`)
    .orderBy('id')
    .executeTakeFirst();
  return row?.username;
}

/** The same, found by one of the account's numbers (on-net recipients, inbound messages). */
const byNumber = prepare<string, AccountWithNumber>(
  (q, number) =>
    q
      .selectFrom('account_numbers as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .leftJoin('account_numbers as n', 'n.account_id', 'a.id')
      .select(withNumberColumns)
      .where('m.number', '=', number)
      .orderBy('n.position'),
  (number) => [number],
);

export async function findAccountByNumber(q: Q, number: string): Promise<Account | undefined> {
  return fold((await byNumber.run(q, number)).rows);
}

/** select number from account_numbers where account_id = ? order by position */
export async function listNumbers(q: Q, accountId: number): Promise<string[]> {
  const rows = await q
    .selectFrom('account_numbers')
    .select('number')
    .where('account_id', '=', accountId)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.number);
}

/**
 * select account_id, number from account_numbers where account_id in (:ids) order by position: each
 * account's numbers, in order, for a page of accounts (accounts without numbers are absent).
 */
export async function numbersByAccount(q: Q, ids: readonly number[]): Promise<Map<number, string[]>> {
  const byAccount = new Map<number, string[]>();
  if (ids.length === 0) return byAccount;
  const rows = await q
    .selectFrom('account_numbers')
    .select(['account_id', 'number'])
    .where('account_id', 'in', ids)
    .orderBy('position')
    .execute();
  for (const n of rows) {
    const id = Number(n.account_id);
    const list = byAccount.get(id);
    if (list) list.push(n.number);
    else byAccount.set(id, [n.number]);
  }
  return byAccount;
}

/** select …, display_name, contact_group from accounts order by username (with every number, for the CLI) */
export async function listAccounts(q: Q): Promise<Array<Account & AccountProfile>> {
  const [rows, numbers] = await Promise.all([
    q
      .selectFrom('accounts')
      .select([...columns, ...profileColumns])
      .orderBy('username')
      .execute(),
    q.selectFrom('account_numbers').select(['account_id', 'number']).orderBy('position').execute(),
  ]);
  return rows.map((r) => ({
    ...r,
    numbers: numbers.filter((n) => n.account_id === r.id).map((n) => n.number),
  }));
}

/** insert into accounts … returning id */
export async function insertAccount(
  q: Q,
  a: {
    username: string;
    passwordHash: string;
    region: string;
    creditMicros: number | null;
    now: number;
  } & Partial<AccountProfile>,
): Promise<number> {
  const row = await q
    .insertInto('accounts')
    .values({
      username: a.username,
      password_hash: a.passwordHash,
      region: a.region,
      credit_micros: a.creditMicros,
      display_name: a.displayName ?? null,
      contact_group: a.group ?? null,
      created_at: a.now,
      updated_at: a.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** insert into account_numbers (number, account_id, position) values … */
export async function insertNumbers(q: Q, accountId: number, numbers: readonly string[]): Promise<void> {
  if (numbers.length === 0) return;
  await q
    .insertInto('account_numbers')
    .values(numbers.map((number, position) => ({ number, account_id: accountId, position })))
    .execute();
}

/** update accounts set password_hash = ? where username = ? */
export async function updatePasswordHash(
  q: Q,
  username: string,
  passwordHash: string,
  now: number,
): Promise<boolean> {
  const r = await q
    .updateTable('accounts')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** delete from accounts where username = ? */
export async function deleteAccount(q: Q, username: string): Promise<boolean> {
  const r = await q.deleteFrom('accounts').where('username', '=', username).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * update accounts set credit_micros = credit_micros + delta where username = ? and credit_micros is
 * not null and credit_micros + delta between 0 and maxMicros. A NULL balance (unlimited) is left
 * alone, and so is one the delta would take out of that range; returns the new balance, or undefined.
 */
export async function addCredit(q: Q, username: string, deltaMicros: number, now: number, maxMicros: number) {
  return q
    .updateTable('accounts')
    .set((eb) => ({ credit_micros: eb('credit_micros', '+', deltaMicros), updated_at: now }))
    .where('username', '=', username)
    .where('credit_micros', 'is not', null)
    .where((eb) => eb(eb('credit_micros', '+', deltaMicros), '>=', 0))
    .where((eb) => eb(eb('credit_micros', '+', deltaMicros), '<=', maxMicros))
    .returning('credit_micros as creditMicros')
    .executeTakeFirst();
}

/** update accounts set credit_micros = ? where username = ? (null = unlimited) */
export async function setCredit(
  q: Q,
  username: string,
  creditMicros: number | null,
  now: number,
): Promise<boolean> {
  const r = await q
    .updateTable('accounts')
    .set({ credit_micros: creditMicros, updated_at: now })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Charge atomically: update accounts set credit_micros = credit_micros - ? where id = ? and
 * (credit_micros is null or credit_micros >= ?). One statement, so two instances charging one account
 * at once can never take it below zero (the row lock serialises them on PostgreSQL). False = refused.
 */
export async function chargeCredit(q: Q, accountId: number, micros: number): Promise<boolean> {
  const r = await q
    .updateTable('accounts')
    .set((eb) => ({ credit_micros: eb('credit_micros', '-', micros) }))
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('credit_micros', 'is', null), eb('credit_micros', '>=', micros)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** select credit_micros from accounts where id = ? (the balance now; lookups may cache an older one) */
export async function readCredit(q: Q, accountId: number): Promise<number | null | undefined> {
  const row = await q
    .selectFrom('accounts')
    .select('credit_micros as creditMicros')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row === undefined ? undefined : row.creditMicros === null ? null : Number(row.creditMicros);
}

/** select display_name, contact_group from accounts where username = ? */
export async function readProfile(q: Q, username: string): Promise<AccountProfile | undefined> {
  return q.selectFrom('accounts').select(profileColumns).where('username', '=', username).executeTakeFirst();
}

/** update accounts set display_name = ?, contact_group = ? where username = ? (only the fields given) */
export async function updateProfile(
  q: Q,
  username: string,
  profile: Partial<AccountProfile>,
  now: number,
): Promise<boolean> {
  const r = await q
    .updateTable('accounts')
    .set({
      ...(profile.displayName === undefined ? {} : { display_name: profile.displayName }),
      ...(profile.group === undefined ? {} : { contact_group: profile.group }),
      updated_at: now,
    })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
