/**
 * Routing, jasmin-style: an ordered list of routes, each a set of filters plus a carrier.
 * The first route whose filters all match wins. Filters:
 * - `prefixes`: the recipient starts with one of them (`+44`, `+1555`, or digits for short codes);
 *   none = every destination (a default route).
 * - `accounts`: the sending account's username is one of them; none = every account.
 * The route names its carrier and failover carriers, tried in order when a carrier fails transiently.
 * On-net delivery never reaches this: a local recipient is found before any route is consulted.
 */

import { accountAddress } from './address.js';

/** One route, as validated from the configuration. */
export interface Route {
  prefixes: readonly string[];
  accounts: readonly string[];
  carrier: string;
  failover: readonly string[];
  /** Sender number for this route; used only when the account owns it (else its first number). */
  from?: string;
}

/** The sender as routing sees it. */
export interface RouteSender {
  username: string;
  /** First = default sender ID. */
  numbers: readonly string[];
}

/** Where a message goes: carriers in the order to try them, and the sender ID to show. */
export interface RouteChoice {
  carriers: string[];
  from: string;
}

/** Pick the route for `to` (E.164 or short code) sent by `sender`; undefined = no route. */
export function route(routes: readonly Route[], to: string, sender: RouteSender): RouteChoice | undefined {
  for (const r of routes) {
    if (r.prefixes.length > 0 && !r.prefixes.some((p) => to.startsWith(p))) continue;
    if (r.accounts.length > 0 && !r.accounts.includes(sender.username)) continue;
    const carriers = [r.carrier, ...r.failover.filter((c) => c !== r.carrier)];
    const owned = r.from !== undefined && sender.numbers.includes(r.from);
    return { carriers, from: owned ? r.from! : accountAddress(sender) };
  }
  return undefined;
}
