/**
 * Where a Send Message recipient lives: another local account (on-net: by number, username or SIP
 * address) or an outside number for a carrier (off-net). Undefined: not a recipient we can reach.
 */
import { type Address, accountAddress, formatAddress, parseAddress } from '../domain/address.js';
import { noRoute } from '../errors.js';
import type { Account, AccountLookup } from './ports.js';

/** Which digit-only short codes count as off-net recipients (`recipients` in the configuration). */
export interface RecipientRules {
  allowShortCodes: boolean;
  shortCodeMinDigits: number;
  shortCodeMaxDigits: number;
}

/** A resolved recipient, with the address it is stored under. */
export type Destination = { onNet: true; account: Account; to: string } | { onNet: false; to: string };

export type ResolveRecipient = (addr: Address) => Promise<Destination | undefined>;

/** An on-net recipient is stored under its one address, so one peer is one conversation. */
const onNet = (account: Account): Destination => ({ onNet: true, account, to: accountAddress(account) });

export function makeResolveRecipient(accounts: AccountLookup, rules: RecipientRules): ResolveRecipient {
  const resolve: ResolveRecipient = async (addr) => {
    switch (addr.kind) {
      case 'phone': {
        const account = await accounts.byNumber(addr.e164);
        return account ? onNet(account) : { onNet: false, to: addr.e164 };
      }
      case 'short': {
        const account = (await accounts.byNumber(addr.digits)) ?? (await accounts.byUsername(addr.digits));
        if (account) return onNet(account);
        const n = addr.digits.length;
        return rules.allowShortCodes && n >= rules.shortCodeMinDigits && n <= rules.shortCodeMaxDigits
          ? { onNet: false, to: addr.digits }
          : undefined;
      }
      case 'local': {
        const account = await accounts.byUsername(addr.name);
        return account && onNet(account);
      }
      case 'sip': {
        const full = formatAddress(addr);
        const account = (await accounts.byUsername(full)) ?? (await accounts.byUsername(addr.user));
        if (account) return onNet(account);
        // `sip:+15551231234@host` is a phone number in SIP clothing.
        const inner = parseAddress(addr.user, 'ZZ');
        if (inner?.kind === 'phone') return resolve(inner);
        throw noRoute(full);
      }
    }
  };
  return resolve;
}
