/**
 * Bearer tokens for the admin HTTP API: made, listed and revoked by the operator (`textbridge admin
 * token …`), checked on every admin call.
 *
 * A token is `tbat_` and 32 random bytes in base64url (256 bits): the prefix lets secret scanners and
 * people recognise one (as GitHub's `ghp_` tokens do: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
 * It is shown once; the store keeps only its SHA-256. A token is random, not chosen by a person, so a
 * fast hash suffices (no dictionary to guess from), and looking a row up by its hash tells a timing
 * observer nothing about the token; the hashes are compared once more in constant time all the same.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Clock } from './ports.js';

/** What a stored token says about itself (never the token). */
export interface AdminTokenInfo {
  name: string;
  readOnly: boolean;
  createdAt: number;
  /** null until first used. */
  lastUsedAt: number | null;
}

/** The tokens' table. */
export interface AdminTokenStore {
  /** Store a new token's hash; false when the name is taken. */
  insertToken(t: { name: string; hash: string; readOnly: boolean; now: number }): Promise<boolean>;
  listTokens(): Promise<AdminTokenInfo[]>;
  /** Delete by name; false when there is none. */
  deleteToken(name: string): Promise<boolean>;
  /** The token with this hash, if any. */
  findByHash(hash: string): Promise<(AdminTokenInfo & { hash: string }) | undefined>;
  /** Note a use (only written when the last one is older than a minute). */
  touch(name: string, now: number): Promise<void>;
}

/** Who made an admin call. */
export interface AdminCaller {
  name: string;
  readOnly: boolean;
}

export const TOKEN_PREFIX = 'tbat_';
const TOKEN = /^tbat_[A-Za-z0-9_-]{43}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** How stale `last used` may be: a busy script does not write on every call. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export function makeAdminTokens(store: AdminTokenStore, clock: Clock) {
  return {
    /** Make a token; the answer is the only time it is shown. */
    async create(name: string, readOnly: boolean): Promise<AdminTokenInfo & { token: string }> {
      if (!NAME.test(name)) {
        throw badRequest(`Invalid token name: ${name} (letters, digits and . _ -, at most 64)`);
      }
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const now = clock.now();
      if (!(await store.insertToken({ name, hash: sha256(token), readOnly, now }))) {
        throw conflict(`A token named ${name} exists; revoke it first or choose another name`);
      }
      return { name, readOnly, createdAt: now, lastUsedAt: null, token };
    },

    list: () => store.listTokens(),

    async revoke(name: string): Promise<void> {
      if (!(await store.deleteToken(name))) throw notFound(`No admin token named ${name}`);
    },

    /** The caller a presented token belongs to, or undefined for a malformed, unknown or revoked one. */
    async verify(token: string): Promise<AdminCaller | undefined> {
      if (!TOKEN.test(token)) return undefined;
      const hash = sha256(token);
      const found = await store.findByHash(hash);
      if (!found || !timingSafeEqual(Buffer.from(found.hash), Buffer.from(hash))) return undefined;
      const now = clock.now();
      if (found.lastUsedAt === null || now - found.lastUsedAt >= TOUCH_EVERY_MS) {
        await store.touch(found.name, now);
      }
      return { name: found.name, readOnly: found.readOnly };
    },
  };
}

export type AdminTokens = ReturnType<typeof makeAdminTokens>;
