/**
 * Push Token Reporter and Account Removal Reporter use-cases
 * (https://doc.acrobits.net/api/client/push_token_reporter.html and account_removal_reporter.html). Both
 * authenticate like Send Message; a report upserts the installation's row (an empty token is stored
 * as "no token" and answered 2xx, §8.11), a removal deletes it and is 2xx even when nothing matched.
 */

import type { Authenticate, Credentials } from './authenticate.js';
import type { RemovalReport, TokenReport } from './commands.js';
import type { Clock } from './ports.js';

/** What the reporters need from the store. */
export interface PushTokenStore {
  saveTokens(accountId: number, report: TokenReport, now: number): Promise<void>;
  /** Delete by selector, or by token when there is no selector. */
  removeTokens(accountId: number, removal: RemovalReport): Promise<void>;
  /** True when the account has at least one device that reported a push token. */
  hasDevices(accountId: number): Promise<boolean>;
}

export interface PushTokenDeps {
  authenticate: Authenticate;
  store: PushTokenStore;
  clock: Clock;
}

export type ReportPushToken = (credentials: Credentials, read: () => TokenReport) => Promise<void>;
export type ReportAccountRemoval = (credentials: Credentials, read: () => RemovalReport) => Promise<void>;

export function makeReportPushToken({ authenticate, store, clock }: PushTokenDeps): ReportPushToken {
  return async (credentials, read) => {
    const account = await authenticate(credentials);
    await store.saveTokens(account.id, read(), clock.now());
  };
}

export function makeReportAccountRemoval({ authenticate, store }: PushTokenDeps): ReportAccountRemoval {
  return async (credentials, read) => {
    const account = await authenticate(credentials);
    return store.removeTokens(account.id, read());
  };
}
