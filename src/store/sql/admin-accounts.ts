/**
 * Account statements only the admin API uses: a page of accounts (by username, after a cursor), the
 * region, and numbers added or removed. `Q` is a Kysely instance or transaction.
 */
import { sql } from 'kysely';
import type { AccountProfile } from '../../app/account-profile.js';
import type { Account } from '../../app/ports.js';
import { numbersByAccount, type Q } from './accounts.js';

/** Which accounts a page holds. */
export interface AccountPageFilter {
  /** Only usernames after this one (the previous page's last). */
  after?: string;
  /** Only usernames that start with this, exactly (case counts, as at login). */
  prefix?: string;
  /** Only the account that owns this number. */
  number?: string;
  limit: number;
}

/**
 * select id, username, … from accounts [where username > :after] [and substr(username, 1, n) = :prefix]
 * [and id in (select account_id from account_numbers where number = :number)] order by username limit ?
 *
 * The prefix is compared with `substr` rather than `like`: SQLite's `like` ignores ASCII case and
 * PostgreSQL's does not, and `%` or `_` in a username would need escaping.
 */
export async function pageAccounts(q: Q, f: AccountPageFilter): Promise<Array<Account & AccountProfile>> {
  let query = q
    .selectFrom('accounts')
    .select([
      'id',
      'username',
      'password_hash as passwordHash',
      'region',
      'credit_micros as creditMicros',
      'display_name as displayName',
      'contact_group as group',
    ]);
  if (f.after !== undefined) query = query.where('username', '>', f.after);
  if (f.prefix) {
    query = query.where(sql<string>`substr(username, 1, ${f.prefix.length})`, '=', f.prefix);
  }
  if (f.number !== undefined) {
    const number = f.number;
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('account_numbers').select('account_id').where('number', '=', number),
    );
  }
  const rows = await query.orderBy('username').limit(f.limit).execute();
  if (rows.length === 0) return [];
  const numbers = await numbersByAccount(
    q,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    creditMicros: r.creditMicros === null ? null : Number(r.creditMicros),
    numbers: numbers.get(Number(r.id)) ?? [],
  }));
}

/** update accounts set region = ? where username = ? */
export async function updateRegion(q: Q, username: string, region: string, now: number): Promise<boolean> {
  const r = await q
    .updateTable('accounts')
    .set({ region, updated_at: now })
    .where('username', '=', username)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** insert into account_numbers … after the account's last position (its sender ID stays first) */
export async function appendNumbers(q: Q, accountId: number, numbers: readonly string[]): Promise<void> {
  if (numbers.length === 0) return;
  const last = await q
    .selectFrom('account_numbers')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const start = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
  await q
    .insertInto('account_numbers')
    .values(numbers.map((number, i) => ({ number, account_id: accountId, position: start + i })))
    .execute();
}

/** delete from account_numbers where account_id = ? and number in (…) */
export async function removeNumbers(q: Q, accountId: number, numbers: readonly string[]): Promise<number> {
  if (numbers.length === 0) return 0;
  const r = await q
    .deleteFrom('account_numbers')
    .where('account_id', '=', accountId)
    .where('number', 'in', numbers)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
