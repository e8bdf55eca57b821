/**
 * The on-net directory (Web Service Contacts, app/contacts.ts), one statement per function. Read from
 * the tables on each request: neither the display name nor the group is in the cached lookups.
 */
import type { DirectoryEntry } from '../../app/contacts.js';
import { numbersByAccount, type Q } from './accounts.js';

/** select contact_group from accounts where id = ? */
export async function groupOf(q: Q, accountId: number): Promise<string | null> {
  const row = await q
    .selectFrom('accounts')
    .select('contact_group as group')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.group ?? null;
}

/**
 * select id, username, display_name from accounts where id <> ? [and contact_group = ?] order by
 * username limit ?; then their numbers: select account_id, number from account_numbers where
 * account_id in (…) order by position. Two statements, so the limit counts accounts, not numbers.
 */
export async function listDirectory(
  q: Q,
  f: { exceptId: number; group?: string; limit: number },
): Promise<DirectoryEntry[]> {
  let accounts = q
    .selectFrom('accounts')
    .select(['id', 'username', 'display_name as displayName'])
    .where('id', '<>', f.exceptId);
  if (f.group !== undefined) accounts = accounts.where('contact_group', '=', f.group);
  const rows = await accounts.orderBy('username').limit(f.limit).execute();
  if (rows.length === 0) return [];
  const byAccount = await numbersByAccount(
    q,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((r) => ({
    username: r.username,
    displayName: r.displayName,
    numbers: byAccount.get(Number(r.id)) ?? [],
  }));
}
