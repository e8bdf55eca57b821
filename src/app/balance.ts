/**
 * Balance Checker use-case (https://doc.acrobits.net/api/client/balance_checker.html): authenticate,
 * read the account's credit as it is now, and say how the app shows it.
 *
 * The credit is read from the store on every check, not taken from the login: the account lookups of
 * the embedded store are cached and their credit may be old (store/engine/lookup-cache.ts), while the
 * app asks right after a call or a send (every `balanceCheckIntervalInSeconds`, and after each call).
 */
import { fillMoney, formatMicros } from '../domain/money.js';
import { fromMicros } from '../domain/rates.js';
import type { Authenticate, Credentials } from './authenticate.js';

/** Where the current credit is read. */
export interface CreditLookup {
  /** Credit in micro-units now; null = unlimited; undefined = no such account (removed meanwhile). */
  creditOf(accountId: number): Promise<number | null | undefined>;
}

export interface BalanceOptions {
  /** The accounts' currency, as told to the app and put into `format`. */
  currency: string;
  /** `%amount%` and `%currency%` placeholders. */
  format: string;
  /** Decimals shown; the rest is cut off. */
  decimals: number;
  /** Shown for an account without a limit. */
  unlimited: string;
}

/** What the app is told: the string it shows, the amount as a number (absent when unlimited), the currency. */
export interface BalanceResult {
  display: string;
  /** In units of `currency`, exact to the micro-unit; undefined = unlimited. */
  amount: number | undefined;
  currency: string;
}

export type CheckBalance = (credentials: Credentials) => Promise<BalanceResult>;

export function makeCheckBalance(deps: {
  authenticate: Authenticate;
  credit: CreditLookup;
  options: BalanceOptions;
}): CheckBalance {
  const { authenticate, credit, options } = deps;
  return async (credentials) => {
    const account = await authenticate(credentials);
    const now = await credit.creditOf(account.id);
    const micros = now === undefined ? account.creditMicros : now;
    if (micros === null) return { display: options.unlimited, amount: undefined, currency: options.currency };
    const amount = formatMicros(micros, options.decimals);
    return {
      display: fillMoney(options.format, amount, options.currency),
      amount: fromMicros(micros),
      currency: options.currency,
    };
  };
}
