/**
 * Balance Checker answers (https://doc.acrobits.net/api/client/balance_checker.html). The app shows
 * `balanceString` as is on the keypad. JSON as the public implementations answer it
 * (`{"balanceString":"$60.20","balance":60.2,"currency":"USD"}`), or the XML of Acrobits' own
 * article (https://faq.acrobits.net/set-up-your-balance-check-web-service):
 * `<response><error>0</error><balanceString>$60.20</balanceString></response>`.
 */
import { escapeXml } from './errors.js';

/** A balance as the use-case gives it; `amount` is absent for an account without a limit. */
export interface BalanceAnswer {
  display: string;
  amount: number | undefined;
  currency: string;
}

/** `{"balanceString":…,"balance":…,"currency":…}`; no `balance` number for an unlimited account. */
export function balanceJson(b: BalanceAnswer): string {
  return JSON.stringify({ balanceString: b.display, balance: b.amount, currency: b.currency });
}

export function balanceXml(b: BalanceAnswer): string {
  return `<response><error>0</error><balanceString>${escapeXml(b.display)}</balanceString></response>`;
}
