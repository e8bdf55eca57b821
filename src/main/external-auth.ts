/** `auth.external` wired: the HTTP verifier, the account store it writes, the login rules. */
import { parseAmount } from '../app/accounts.js';
import { type ExternalLogin, makeExternalLogin } from '../app/external-login.js';
import type { AccountLookup, Clock, Log } from '../app/ports.js';
import type { Config } from '../config/index.js';
import { makeExternalAccountStore } from '../store/adapters/external-accounts.js';
import type { Db } from '../store/engine/db.js';
import { makeHttpVerifier } from '../verifiers/http-verifier.js';

/** The external login, or none when `auth.external` is not configured. */
export function composeExternalLogin(
  config: Config,
  db: Db,
  accounts: AccountLookup,
  clock: Clock,
  log: Log,
): { login: ExternalLogin; close(): Promise<void> } | undefined {
  const c = config.auth.external;
  if (!c) return undefined;
  const verifier = makeHttpVerifier(c);
  const login = makeExternalLogin({
    verifier,
    store: makeExternalAccountStore(db),
    lookup: (u) => accounts.byUsername(u),
    parseCredit: parseAmount,
    clock,
    log,
    defaultRegion: c.region.toUpperCase(),
    staleMs: c.staleMs,
  });
  return { login, close: () => verifier.close() };
}
