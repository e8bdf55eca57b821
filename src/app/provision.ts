/**
 * Provisioning: whose Account XML is written. The XML itself is the Acrobits wire
 * (`protocol/acrobits/account-xml.ts`); this decides only for which account, so the command line and
 * the external provisioning endpoint apply the same rule: the account must exist (`textbridge
 * provision`), or the request's credentials must log in to it (`/provision`, through `Authenticate`
 * like every other app service).
 */
import { notFound } from '../errors.js';
import type { AccountAdminStore } from './accounts.js';
import type { Authenticate, Credentials } from './authenticate.js';
import type { Account } from './ports.js';

/** The account `textbridge provision <username>` writes for; a clear error naming it when there is none. */
export async function accountToProvision(
  store: Pick<AccountAdminStore, 'findAccount'>,
  username: string,
): Promise<Account> {
  const account = await store.findAccount(username);
  if (!account) throw notFound(`No account ${username} (create it with textbridge account add ${username})`);
  return account;
}

/** `/provision`: the account the app's sign-in logs in to (wrong credentials are refused as anywhere). */
export type Provision = (c: Credentials) => Promise<Account>;

export const makeProvision =
  (authenticate: Authenticate): Provision =>
  (c) =>
    authenticate(c);
