/** Statements for accounts created and kept up to date by external verification (app/external-login.ts). */
import type { Q } from './accounts.js';

/** select number, a.username from account_numbers join accounts where number in (…) */
export async function numberOwners(q: Q, numbers: readonly string[]) {
  if (numbers.length === 0) return [];
  return q
    .selectFrom('account_numbers as n')
    .innerJoin('accounts as a', 'a.id', 'n.account_id')
    .select(['n.number', 'a.username'])
    .where('n.number', 'in', numbers)
    .execute();
}

/** delete from account_numbers where account_id = ? */
export async function deleteNumbers(q: Q, accountId: number): Promise<void> {
  await q.deleteFrom('account_numbers').where('account_id', '=', accountId).execute();
}

/** update accounts set region = ? where id = ? */
export async function updateRegion(q: Q, accountId: number, region: string, now: number): Promise<void> {
  await q.updateTable('accounts').set({ region, updated_at: now }).where('id', '=', accountId).execute();
}
