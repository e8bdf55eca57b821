/**
 * Authentication of every app request (Send, Fetch, push token reporters).
 *
 * The app sends the password on every request (send_message doc), and one scrypt check costs tens of
 * milliseconds, so successful checks are remembered: the cache key is a keyed hash of
 * username and password under a per-process random key (the plain password is never kept), the value
 * is the account id and the password hash that was checked. A hit counts only while the account's current
 * hash is still that hash, so a password change (even from the CLI in another process) ends it at once.
 *
 * Failures are throttled per account and per client address (429); with `shared` counts (the
 * database's), the limit holds across instances: a failure anywhere counts everywhere. Missing or empty credentials are
 * 401 without touching the store. Unknown usernames are checked against a dummy hash so the answer
 * takes as long as for a known one.
 */
import { hash, randomBytes } from 'node:crypto';
import { Lru } from '../domain/lru.js';
import { SmsError, throttled, unauthorized } from '../errors.js';
import { MAX_USERNAME_CHARS } from './accounts.js';
import { type ExternalLogin, isExternalHash } from './external-login.js';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.js';
import type { Account, AccountLookup, Clock } from './ports.js';
import { Slots } from './slots.js';
import { FailureThrottle, type SharedFailures } from './throttle.js';

const NEVER = new AbortController().signal;
/** Longest client address kept as it is in a throttle key (an IPv6 address with a zone fits). */
const MAX_ADDRESS_KEY_CHARS = 64;

export interface AuthOptions {
  cacheTtlMs: number;
  maxFailures: number;
  /** Failures allowed per client address (higher: many phones share a carrier NAT). */
  maxFailuresPerAddress: number;
  failureWindowMs: number;
  /** Password checks (scrypt) running at once; default 2. */
  maxConcurrentChecks?: number;
  /** Most remembered logins; the oldest go first. */
  maxCacheEntries?: number;
}

export interface Credentials {
  username: string | undefined;
  password: string | undefined;
  /** Client address, for throttling. */
  ip: string;
}

export type Authenticate = (c: Credentials) => Promise<Account>;

export function makeAuthenticate(
  accounts: AccountLookup,
  clock: Clock,
  opts: AuthOptions,
  shared?: SharedFailures,
  /** `auth.external`: the provider's endpoint, for usernames without a local password (external-login.ts). */
  external?: ExternalLogin,
): Authenticate {
  // The login cache's key: SHA-256 over the secret, the credentials, and the secret again (an envelope
  // MAC). It never leaves the process, so nobody can extend it; one-shot `crypto.hash` costs 0.3 µs
  // where `createHmac` cost 1.3 µs, on every request (docs/benchmarks.md).
  const secret = randomBytes(32).toString('hex');
  const cacheKey = (username: string, password: string) =>
    hash('sha256', `${secret}\0${username}\0${password}\0${secret}`, 'base64');
  const cache = new Lru<string, { accountId: number; passwordHash: string; expires: number }>(
    opts.maxCacheEntries ?? 50_000,
  );
  const now = () => clock.now();
  const perAccount = new FailureThrottle(opts.maxFailures, opts.failureWindowMs, now);
  const perAddress = new FailureThrottle(opts.maxFailuresPerAddress, opts.failureWindowMs, now);

  // One scrypt check holds 16 MB (N=16384, r=8) on a libuv thread, and glibc keeps such blocks after
  // they are freed: 64 connections logging in at once grew the process by 100+ MB that it never gave
  // back. So at most two checks run at a time (scrypt is CPU-bound: two cores), and concurrent
  // requests with the same credentials (a burst of sends from one phone) share one check.
  const slots = new Slots(opts.maxConcurrentChecks ?? 2);
  const limited = async (password: string, hash: string, username = ''): Promise<boolean> => {
    await slots.acquire(NEVER);
    try {
      return await verifyPassword(password, hash, username);
    } finally {
      slots.release();
    }
  };
  const inflight = new Map<string, Promise<boolean>>();
  const checkOnce = (key: string, password: string, hash: string, username: string): Promise<boolean> => {
    const k = `${key}\u0000${hash}`;
    let p = inflight.get(k);
    if (!p) {
      p = limited(password, hash, username).finally(() => inflight.delete(k));
      inflight.set(k, p);
    }
    return p;
  };

  const externalOnce = new Map<string, ReturnType<ExternalLogin>>();

  /**
   * Each key's failure count in the shared table after this failure, or none when the store cannot
   * write (a full disk): the answer is still 401, counted in this process only; the store logs the
   * fault itself, once per burst.
   */
  const recordShared = async (keys: readonly string[]): Promise<ReadonlyArray<number | undefined>> => {
    if (!shared) return [];
    const t = now();
    try {
      return await Promise.all(keys.map((k) => shared.record(k, t, opts.failureWindowMs)));
    } catch (e) {
      if (!(e instanceof SmsError && e.code === 'SMS_ERR_STORE_UNAVAILABLE')) throw e;
      return [];
    }
  };

  return async ({ username, password, ip }) => {
    if (!username || !password) throw unauthorized('Missing username or password');
    // Throttle keys are remembered (here and in the shared table) for a window: keep each short,
    // whatever the client sent. A username longer than any account's is counted against the address
    // only and never looked up (it cannot exist); an address is shortened to a hash when it is not one
    // (behind `trustProxy` it is the client's own X-Forwarded-For text).
    const tooLong = username.length > MAX_USERNAME_CHARS;
    const userKey = tooLong ? undefined : `u:${username}`;
    const ipKey = ip.length <= MAX_ADDRESS_KEY_CHARS ? `ip:${ip}` : `ip#${hash('sha256', ip, 'base64')}`;
    if ((userKey && perAccount.isBlocked(userKey)) || perAddress.isBlocked(ipKey)) throw throttled();
    if (userKey === undefined) {
      perAddress.fail(ipKey);
      if (shared) {
        const [i] = await recordShared([ipKey]);
        if (i !== undefined) perAddress.observe(ipKey, i);
      }
      throw unauthorized();
    }

    let account = await accounts.byUsername(username);
    const key = cacheKey(username, password);
    const hit = cache.get(key);
    let expired: number | undefined;
    if (account && hit && hit.accountId === account.id && hit.passwordHash === account.passwordHash) {
      if (hit.expires > now()) return account;
      // An external login's entry outlives its period: it lets the user in while the endpoint is down.
      if (external && isExternalHash(account.passwordHash)) expired = hit.expires;
      else cache.delete(key);
    }

    // A cache miss pays for scrypt next, so one indexed read of the shared counts costs little here.
    if (shared) {
      const t = now();
      const [user, address] = await Promise.all([
        shared.anyBlocked([userKey], t, opts.maxFailures),
        shared.anyBlocked([ipKey], t, opts.maxFailuresPerAddress),
      ]);
      if (user || address) throw throttled();
    }
    let ok: boolean;
    if (external && (!account || isExternalHash(account.passwordHash))) {
      // A burst of first requests from one phone asks the endpoint once (and creates the account once).
      let pending = externalOnce.get(key);
      // Another request with these credentials may have been confirmed while this one waited above.
      const since = pending ? undefined : cache.get(key);
      if (since && since.expires > now()) {
        const fresh = await accounts.byUsername(username);
        if (fresh?.id === since.accountId && fresh.passwordHash === since.passwordHash) return fresh;
      }
      pending ??= externalOnce.get(key);
      if (!pending) {
        pending = external(username, password, expired, account).finally(() => externalOnce.delete(key));
        externalOnce.set(key, pending);
      }
      const r = await pending;
      if (r.kind === 'stale') return r.account;
      ok = r.kind === 'yes';
      if (r.kind === 'yes') account = r.account;
      else cache.delete(key);
    } else {
      ok = account
        ? await checkOnce(key, password, account.passwordHash, account.username)
        : (await limited(password, await DUMMY_HASH_PROMISE)) && false;
    }
    if (!account || !ok) {
      perAccount.fail(userKey);
      perAddress.fail(ipKey);
      if (shared) {
        const [u, i] = await recordShared([userKey, ipKey]);
        if (u !== undefined) perAccount.observe(userKey, u);
        if (i !== undefined) perAddress.observe(ipKey, i);
      }
      throw unauthorized();
    }
    perAccount.reset(userKey);
    // Cached before the next await, so a request arriving meanwhile finds it (and does not ask again).
    if (opts.cacheTtlMs > 0) {
      cache.set(key, {
        accountId: account.id,
        passwordHash: account.passwordHash,
        expires: now() + opts.cacheTtlMs,
      });
    }
    if (shared) await shared.clear(userKey);
    return account;
  };
}
