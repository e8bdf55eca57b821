/**
 * Account administration (the CLI's `account …` commands): validation and hashing live here so that
 * every edge (CLI today, an admin API later) applies the same rules.
 */
import { isKnownRegion, parseAddress } from '../domain/address.js';
import type { Message, MessageStatus } from '../domain/message.js';
import { fromMicros, toMicros } from '../domain/rates.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { hashPassword } from './passwords.js';
import type { Account, Clock } from './ports.js';

/** What account administration needs from the store. */
export interface AccountAdminStore {
  createAccount(a: {
    username: string;
    passwordHash: string;
    region: string;
    creditMicros: number | null;
    numbers: string[];
    now: number;
  }): Promise<number>;
  setPasswordHash(username: string, hash: string, now: number): Promise<boolean>;
  removeAccount(username: string): Promise<boolean>;
  /** Adds delta to a limited balance; undefined when the account is unknown or unlimited. */
  addCredit(username: string, deltaMicros: number, now: number): Promise<number | undefined>;
  setCredit(username: string, creditMicros: number | null, now: number): Promise<boolean>;
  listAccounts(): Promise<Account[]>;
  findAccount(username: string): Promise<Account | undefined>;
  /** Which account owns each number (to refuse a number that is taken). */
  numberOwner(number: string): Promise<string | undefined>;
  listMessages(f: { accountId?: number; status?: MessageStatus; limit: number }): Promise<Message[]>;
}

/** An account as the CLI shows it. */
export interface AccountView {
  username: string;
  region: string;
  numbers: string[];
  /** null = unlimited. */
  credit: number | null;
}

export const toView = (a: Account): AccountView => ({
  username: a.username,
  region: a.region,
  numbers: a.numbers,
  credit: a.creditMicros === null ? null : fromMicros(a.creditMicros),
});

const USERNAME = /^[^\s:/?#]{1,128}$/;

/** Spaces around a password are trimmed when it is stored, as when it is checked (app/passwords.ts). */
function checkPassword(pw: string): void {
  if (pw.trim().length === 0) throw badRequest('Password must not be empty');
  if (pw.includes('\u0000')) throw badRequest('Password must not contain a NUL character');
  if (pw.length > 1024) throw badRequest('Password is too long (1024 characters at most)');
}

function parseCredit(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw badRequest(`Not an amount: ${value}`);
  return toMicros(n);
}

export function makeAccountAdmin(store: AccountAdminStore, clock: Clock) {
  return {
    async add(input: {
      username: string;
      password: string;
      numbers: string[];
      region: string;
      credit?: string;
    }) {
      const username = input.username.trim();
      if (!USERNAME.test(username)) throw badRequest(`Invalid username: ${input.username}`);
      checkPassword(input.password);
      const region = input.region.toUpperCase();
      if (!isKnownRegion(region))
        throw badRequest(`Unknown region: ${input.region} (use a code like US or GB)`);
      const numbers: string[] = [];
      for (const raw of input.numbers) {
        const a = parseAddress(raw, region);
        if (!a || (a.kind !== 'phone' && a.kind !== 'short'))
          throw badRequest(`Not a phone number or extension: ${raw}`);
        const n = a.kind === 'phone' ? a.e164 : a.digits;
        const owner = await store.numberOwner(n);
        if (owner) throw conflict(`Number ${n} already belongs to ${owner}`);
        if (!numbers.includes(n)) numbers.push(n);
      }
      if (await store.findAccount(username)) throw conflict(`Account ${username} already exists`);
      const creditMicros = input.credit === undefined ? null : parseCredit(input.credit);
      if (creditMicros !== null && creditMicros < 0) throw badRequest('Credit must not be negative');
      const passwordHash = await hashPassword(input.password);
      await store.createAccount({ username, passwordHash, region, creditMicros, numbers, now: clock.now() });
      return toView((await store.findAccount(username))!);
    },

    async passwd(username: string, password: string) {
      checkPassword(password);
      const ok = await store.setPasswordHash(username, await hashPassword(password), clock.now());
      if (!ok) throw notFound(`No account ${username}`);
    },

    async remove(username: string) {
      if (!(await store.removeAccount(username))) throw notFound(`No account ${username}`);
    },

    /** Add (or with a leading `-`, take) credit; `set` replaces it, `unlimited` removes the limit. */
    async credit(username: string, delta: string | undefined, set?: string): Promise<AccountView> {
      const account = await store.findAccount(username);
      if (!account) throw notFound(`No account ${username}`);
      if (set !== undefined) {
        await store.setCredit(username, set === 'unlimited' ? null : parseCredit(set), clock.now());
      } else if (delta !== undefined) {
        if (account.creditMicros === null) {
          throw badRequest(`${username} has unlimited credit; use --set <amount> to give it a balance`);
        }
        await store.addCredit(username, parseCredit(delta), clock.now());
      } else {
        throw badRequest('Give a delta (e.g. 5 or -2.5) or --set <amount|unlimited>');
      }
      return toView((await store.findAccount(username))!);
    },

    list: async () => (await store.listAccounts()).map(toView),

    async messages(f: { username?: string; status?: MessageStatus; limit: number }) {
      let accountId: number | undefined;
      if (f.username !== undefined) {
        const a = await store.findAccount(f.username);
        if (!a) throw notFound(`No account ${f.username}`);
        accountId = a.id;
      }
      return store.listMessages({
        ...(accountId === undefined ? {} : { accountId }),
        ...(f.status ? { status: f.status } : {}),
        limit: f.limit,
      });
    },
  };
}

export type AccountAdmin = ReturnType<typeof makeAccountAdmin>;
