/**
 * Account administration (the CLI's `account …` commands): validation and hashing live here so that
 * every edge (CLI today, an admin API later) applies the same rules.
 */
import { isKnownRegion, parseAddress } from '../domain/address.js';
import type { Message, MessageStatus } from '../domain/message.js';
import { fromMicros, MICROS } from '../domain/rates.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { type AccountProfile, checkProfile, type ProfileInput, profileView } from './account-profile.js';
import { type Credential, importedHash } from './imported-hashes.js';
import { hashPassword } from './passwords.js';
import type { Account, Clock } from './ports.js';

/** What account administration needs from the store. */
export interface AccountAdminStore {
  createAccount(
    a: {
      username: string;
      passwordHash: string;
      region: string;
      creditMicros: number | null;
      numbers: string[];
      now: number;
    } & Partial<AccountProfile>,
  ): Promise<number>;
  /** Change the profile fields given; false when there is no such account. */
  setProfile(username: string, profile: Partial<AccountProfile>, now: number): Promise<boolean>;
  setPasswordHash(username: string, hash: string, now: number): Promise<boolean>;
  removeAccount(username: string): Promise<boolean>;
  /**
   * Adds delta to a limited balance when the result stays within 0…maxMicros (checked in the same
   * statement); undefined when the account is unknown or unlimited, or the result would leave that range.
   */
  addCredit(
    username: string,
    deltaMicros: number,
    now: number,
    maxMicros: number,
  ): Promise<number | undefined>;
  setCredit(username: string, creditMicros: number | null, now: number): Promise<boolean>;
  listAccounts(): Promise<Array<Account & AccountProfile>>;
  findAccount(username: string): Promise<(Account & AccountProfile) | undefined>;
  /** The stored spelling of a username that equals this one regardless of case, if any. */
  usernameTaken(username: string): Promise<string | undefined>;
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
  /** The directory's name for it, when set. */
  displayName?: string;
  /** Its directory group, when set. */
  group?: string;
}

export const toView = (a: Account & AccountProfile): AccountView => ({
  username: a.username,
  region: a.region,
  numbers: a.numbers,
  credit: a.creditMicros === null ? null : fromMicros(a.creditMicros),
  ...profileView(a),
});

/** A hash brought from another system instead of a password. */
export type ImportedCredential = Exclude<Credential, { password: string }>;

/** Longest username an account may have. */
export const MAX_USERNAME_CHARS = 128;
const USERNAME = new RegExp(`^[^\\s:/?#]{1,${MAX_USERNAME_CHARS}}$`);

/** Spaces around a password are trimmed when it is stored, as when it is checked (app/passwords.ts). */
function checkPassword(pw: string): void {
  if (pw.trim().length === 0) throw badRequest('Password must not be empty');
  if (pw.includes('\u0000')) throw badRequest('Password must not contain a NUL character');
  if (pw.length > 1024) throw badRequest('Password is too long (1024 characters at most)');
}

/** A number as an account holds it: E.164, or an extension's digits; refused otherwise. */
export function accountNumber(raw: string, region: string): string {
  const a = parseAddress(raw, region);
  if (!a || (a.kind !== 'phone' && a.kind !== 'short')) {
    throw badRequest(`Not a phone number or extension: ${raw}`);
  }
  return a.kind === 'phone' ? a.e164 : a.digits;
}

/** The largest balance an account can hold: one billion units of its currency. */
export const MAX_CREDIT = 1_000_000_000;
const MAX_CREDIT_MICROS = MAX_CREDIT * MICROS;
const AMOUNT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A decimal amount as whole micro-units (millionths), exactly: no floating point on the way, nothing
 * finer than one micro-unit, nothing beyond the upper bound in either direction. The sign is kept.
 */
export function parseAmount(value: string): number {
  const m = AMOUNT.exec(value.trim());
  const [, sign = '', whole = '', frac = ''] = m ?? [];
  if (!m || whole + frac === '') throw badRequest(`Not an amount: ${value} (use a decimal like 5 or 2.5)`);
  if (/[1-9]/.test(frac.slice(6))) {
    throw badRequest(`Amount ${value} is finer than one micro-unit (0.000001), the smallest amount kept`);
  }
  const micros = BigInt(whole || '0') * BigInt(MICROS) + BigInt(frac.slice(0, 6).padEnd(6, '0'));
  if (micros > BigInt(MAX_CREDIT_MICROS)) {
    throw badRequest(`Amount ${value} is above the upper bound of ${MAX_CREDIT}`);
  }
  return sign === '-' ? -Number(micros) : Number(micros);
}

/** A balance: an amount that is not negative. */
function parseBalance(value: string): number {
  const micros = parseAmount(value);
  if (micros < 0) throw badRequest(`Credit must not be negative: ${value}`);
  return micros;
}

export function makeAccountAdmin(store: AccountAdminStore, clock: Clock) {
  return {
    /**
     * Create an account with a password (hashed here) or a hash imported from another system
     * (`hash`: app/imported-hashes.ts); exactly one of the two.
     */
    async add(
      input: {
        username: string;
        password?: string;
        hash?: ImportedCredential;
        numbers: string[];
        region: string;
        credit?: string;
      } & ProfileInput,
    ) {
      const username = input.username.trim();
      if (!USERNAME.test(username)) throw badRequest(`Invalid username: ${input.username}`);
      if ((input.password === undefined) === (input.hash === undefined)) {
        throw badRequest('Give exactly one of a password, an HA1 hash, a bcrypt hash or an scrypt hash');
      }
      if (input.password !== undefined) checkPassword(input.password);
      const imported = input.hash && importedHash(input.hash, username);
      const region = input.region.toUpperCase();
      if (!isKnownRegion(region))
        throw badRequest(`Unknown region: ${input.region} (use a code like US or GB)`);
      const numbers: string[] = [];
      for (const raw of input.numbers) {
        const n = accountNumber(raw, region);
        const owner = await store.numberOwner(n);
        if (owner) throw conflict(`Number ${n} already belongs to ${owner}`);
        if (!numbers.includes(n)) numbers.push(n);
      }
      // Unique regardless of case (the store's index enforces it too); a login still needs the exact spelling.
      const taken = await store.usernameTaken(username);
      if (taken === username) throw conflict(`Account ${username} already exists`);
      if (taken !== undefined) {
        throw conflict(`Account ${taken} already exists; usernames are unique regardless of case`);
      }
      const creditMicros = input.credit === undefined ? null : parseBalance(input.credit);
      const profile = checkProfile(input);
      const passwordHash = imported ?? (await hashPassword(input.password!));
      await store.createAccount({
        username,
        passwordHash,
        region,
        creditMicros,
        numbers,
        ...profile,
        now: clock.now(),
      });
      return toView((await store.findAccount(username))!);
    },

    async passwd(username: string, password: string) {
      checkPassword(password);
      const ok = await store.setPasswordHash(username, await hashPassword(password), clock.now());
      if (!ok) throw notFound(`No account ${username}`);
    },

    /** Set or clear (with '') the display name and the group. */
    async set(username: string, input: ProfileInput): Promise<AccountView> {
      const profile = checkProfile(input);
      if (Object.keys(profile).length === 0) throw badRequest('Give --display-name or --group');
      if (!(await store.setProfile(username, profile, clock.now()))) throw notFound(`No account ${username}`);
      return toView((await store.findAccount(username))!);
    },

    async remove(username: string) {
      if (!(await store.removeAccount(username))) throw notFound(`No account ${username}`);
    },

    /**
     * Add (or with a leading `-`, take) credit; `set` replaces it, `unlimited` removes the limit. A
     * balance stays within 0…MAX_CREDIT: a change that would leave that range is refused, not clamped.
     */
    async credit(username: string, delta: string | undefined, set?: string): Promise<AccountView> {
      if (delta !== undefined && set !== undefined) {
        throw badRequest('Give either a delta or --set, not both');
      }
      if (delta === undefined && set === undefined) {
        throw badRequest('Give a delta (e.g. 5 or -2.5) or --set <amount|unlimited>');
      }
      const account = await store.findAccount(username);
      if (!account) throw notFound(`No account ${username}`);
      if (set !== undefined) {
        await store.setCredit(username, set === 'unlimited' ? null : parseBalance(set), clock.now());
      } else if (delta !== undefined) {
        if (account.creditMicros === null) {
          throw badRequest(`${username} has unlimited credit; use --set <amount> to give it a balance`);
        }
        const micros = parseAmount(delta);
        const after = await store.addCredit(username, micros, clock.now(), MAX_CREDIT_MICROS);
        if (after === undefined) {
          const now = (await store.findAccount(username))?.creditMicros;
          const balance = now == null ? 'unknown' : fromMicros(now);
          throw badRequest(
            micros < 0
              ? `Cannot take ${delta.replace(/^-/, '')} from ${username}: the balance is ${balance} and must not go negative`
              : `Cannot add ${delta} to ${username}: the balance is ${balance} and must not exceed ${MAX_CREDIT}`,
          );
        }
      }
      return toView((await store.findAccount(username))!);
    },

    list: async () => (await store.listAccounts()).map(toView),

    /** The account, or undefined: `account import` skips a username that exists. */
    async find(username: string): Promise<AccountView | undefined> {
      const a = await store.findAccount(username.trim());
      return a && toView(a);
    },

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
