/**
 * Logins checked by the provider's own endpoint (`auth.external`, docs/accounts.md), for usernames that
 * have no local account yet or whose account was created that way.
 *
 * Local first: a username whose account has a password or an imported hash is checked locally only,
 * so the endpoint can neither take over nor lock out an account the operator made. Accounts created
 * here carry `external$` in `password_hash`, which no password matches locally.
 *
 * A yes creates the account, or updates it, with the details the answer gives (numbers, region,
 * credit), and the login is cached as a local one is (app/authenticate.ts). A no is a failed login
 * (401, throttled). When the endpoint cannot be reached, times out or answers anything else, a login it
 * confirmed before (the same username and password, in the login cache) still works for `staleMs`
 * past its cache period; any other login is refused with 503 "cannot verify your password right now",
 * never let in.
 */
import { isKnownRegion, parseAddress } from '../domain/address.js';
import { unavailable } from '../errors.js';
import { checkProfile } from './account-profile.js';
import type { Account, Clock, Log } from './ports.js';

/** The stored hash of an account created by external verification: matches no password locally. */
export const EXTERNAL_HASH = 'external$';

export const isExternalHash = (stored: string): boolean => stored.startsWith(EXTERNAL_HASH);

/** The account's details as the endpoint gave them; each may be absent. */
export interface ExternalProfile {
  numbers?: string[];
  region?: string;
  displayName?: string;
  /** A decimal amount, as the endpoint wrote it. */
  credit?: string;
}

/** The endpoint's answer, as a value: only bugs throw. */
export type ExternalAnswer =
  | { kind: 'yes'; profile: ExternalProfile }
  | { kind: 'no' }
  | { kind: 'unavailable'; reason: string };

/** The provider's endpoint. The password is in the request: never log it, nor the request. */
export interface ExternalVerifier {
  verify(username: string, password: string): Promise<ExternalAnswer>;
}

/** What a yes writes: the account created or brought up to date. */
export interface ExternalAccountStore {
  /**
   * Create the account (with `passwordHash`) or, when it exists, update what is given. Numbers that
   * another account owns are left out and returned, so the login still succeeds.
   */
  upsertExternal(a: {
    username: string;
    passwordHash: string;
    region: string | undefined;
    defaultRegion: string;
    numbers: string[] | undefined;
    creditMicros: number | null | undefined;
    /** The directory name (Web Service Contacts), when the endpoint gave one. */
    displayName: string | undefined;
    now: number;
  }): Promise<{ skippedNumbers: string[] }>;
}

export interface ExternalLoginDeps {
  verifier: ExternalVerifier;
  store: ExternalAccountStore;
  lookup: (username: string) => Promise<Account | undefined>;
  parseCredit: (amount: string) => number;
  clock: Clock;
  log: Log;
  defaultRegion: string;
  staleMs: number;
}

/**
 * The outcome for authenticate.ts: a confirmed login, a cached one let in while the endpoint is down
 * (not cached again, so its grace ends `staleMs` after its cache period), or a failed login. Throws 503
 * when it cannot tell.
 */
export type ExternalLogin = (
  username: string,
  password: string,
  /** The cached login for these credentials, expired, if any: when it expired. */
  cachedExpiry: number | undefined,
  account: Account | undefined,
) => Promise<{ kind: 'yes' | 'stale'; account: Account } | { kind: 'no' }>;

export function makeExternalLogin(d: ExternalLoginDeps): ExternalLogin {
  return async (username, password, cachedExpiry, account) => {
    const answer = await d.verifier.verify(username, password);
    if (answer.kind === 'no') return { kind: 'no' };
    if (answer.kind === 'unavailable') {
      if (account && cachedExpiry !== undefined && cachedExpiry + d.staleMs > d.clock.now()) {
        d.log.warn({ username, reason: answer.reason }, 'password endpoint down: a cached login is used');
        return { kind: 'stale', account };
      }
      d.log.warn({ username, reason: answer.reason }, 'password endpoint down: login refused');
      throw unavailable('Cannot verify your password right now, try again later');
    }
    const p = answer.profile;
    let creditMicros: number | undefined;
    if (p.credit !== undefined) {
      try {
        creditMicros = d.parseCredit(p.credit);
      } catch {
        d.log.warn({ username }, 'password endpoint: the credit in its answer is not an amount; ignored');
      }
    }
    const region = p.region?.toUpperCase();
    const knownRegion = region !== undefined && isKnownRegion(region) ? region : undefined;
    const unreadable: string[] = [];
    const numbers = p.numbers?.flatMap((raw) => {
      const a = parseAddress(raw, knownRegion ?? account?.region ?? d.defaultRegion);
      if (a?.kind === 'phone') return [a.e164];
      if (a?.kind === 'short') return [a.digits];
      unreadable.push(raw);
      return [];
    });
    if (unreadable.length > 0) {
      d.log.warn(
        { username, numbers: unreadable },
        'password endpoint: numbers that are not phone numbers left out',
      );
    }
    const { skippedNumbers } = await d.store.upsertExternal({
      username,
      passwordHash: EXTERNAL_HASH,
      region: knownRegion,
      defaultRegion: d.defaultRegion,
      numbers,
      creditMicros: creditMicros !== undefined && creditMicros < 0 ? 0 : creditMicros,
      displayName: displayNameOf(p, username, d.log),
      now: d.clock.now(),
    });
    if (skippedNumbers.length > 0) {
      d.log.warn(
        { username, numbers: skippedNumbers },
        'password endpoint: numbers owned by another account left out',
      );
    }
    const fresh = await d.lookup(username);
    if (!fresh) throw unavailable('Cannot verify your password right now, try again later');
    return { kind: 'yes', account: fresh };
  };
}

/** The endpoint's display name as the directory stores it, or undefined when absent or not storable. */
function displayNameOf(p: ExternalProfile, username: string, log: Log): string | undefined {
  if (p.displayName === undefined) return undefined;
  try {
    return checkProfile({ displayName: p.displayName }).displayName ?? undefined;
  } catch {
    log.warn({ username }, 'password endpoint: the display name in its answer cannot be stored; ignored');
    return undefined;
  }
}
