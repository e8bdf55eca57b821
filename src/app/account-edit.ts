/**
 * What the admin API does to accounts beyond the CLI's commands: a page of accounts by username, and
 * one update of several fields (password, region, display name and group, numbers added or removed).
 * Each field goes through the same rules as `account add`, `account passwd` and `account set`.
 */
import { isKnownRegion } from '../domain/address.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { AccountProfile, ProfileInput } from './account-profile.js';
import { type AccountAdmin, type AccountView, accountNumber, toView } from './accounts.js';
import type { Account, Clock } from './ports.js';

/** What the update and the page need from the store. */
export interface AccountEditStore {
  pageAccounts(f: {
    after?: string;
    prefix?: string;
    number?: string;
    limit: number;
  }): Promise<Array<Account & AccountProfile>>;
  findAccount(username: string): Promise<(Account & AccountProfile) | undefined>;
  setRegion(username: string, region: string, now: number): Promise<boolean>;
  /** Add numbers after the account's last (its sender ID stays first). */
  addNumbers(accountId: number, numbers: readonly string[]): Promise<void>;
  removeNumbers(accountId: number, numbers: readonly string[]): Promise<number>;
  numberOwner(number: string): Promise<string | undefined>;
}

/** The fields an update may change; the rest stay as they are. */
export interface AccountUpdate extends ProfileInput {
  password?: string;
  region?: string;
  addNumbers?: string[];
  removeNumbers?: string[];
}

/** One page of accounts, and where the next starts (absent on the last page). */
export interface AccountPage {
  accounts: AccountView[];
  next?: string;
}

export function makeAccountEdit(store: AccountEditStore, admin: AccountAdmin, clock: Clock) {
  return {
    async page(f: { after?: string; prefix?: string; number?: string; limit: number }): Promise<AccountPage> {
      const rows = await store.pageAccounts({ ...f, limit: f.limit + 1 });
      const more = rows.length > f.limit;
      const accounts = rows.slice(0, f.limit).map(toView);
      const last = accounts.at(-1);
      return more && last ? { accounts, next: last.username } : { accounts };
    },

    /** Check every field first, then change them; the account as it is afterwards. */
    async update(username: string, u: AccountUpdate): Promise<AccountView> {
      const account = await store.findAccount(username);
      if (!account) throw notFound(`No account ${username}`);
      const region = u.region?.toUpperCase();
      if (region !== undefined && !isKnownRegion(region)) {
        throw badRequest(`Unknown region: ${u.region} (use a code like US or GB)`);
      }
      const numberRegion = region ?? account.region;
      const adding: string[] = [];
      for (const raw of u.addNumbers ?? []) {
        const n = accountNumber(raw, numberRegion);
        const owner = await store.numberOwner(n);
        if (owner && owner !== account.username) throw conflict(`Number ${n} already belongs to ${owner}`);
        if (!owner && !adding.includes(n)) adding.push(n);
      }
      const removing = (u.removeNumbers ?? []).map((raw) => accountNumber(raw, numberRegion));
      const missing = removing.filter((n) => !account.numbers.includes(n));
      if (missing.length > 0) throw badRequest(`${username} has no number ${missing.join(', ')}`);
      if (u.password !== undefined) await admin.passwd(username, u.password);
      if (u.displayName !== undefined || u.group !== undefined) {
        await admin.set(username, {
          ...(u.displayName === undefined ? {} : { displayName: u.displayName }),
          ...(u.group === undefined ? {} : { group: u.group }),
        });
      }
      if (region !== undefined) await store.setRegion(username, region, clock.now());
      await store.removeNumbers(account.id, removing);
      await store.addNumbers(account.id, adding);
      return toView((await store.findAccount(username))!);
    },
  };
}

export type AccountEdit = ReturnType<typeof makeAccountEdit>;
