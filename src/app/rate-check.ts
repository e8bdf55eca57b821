/**
 * Rate Checker use-case (https://doc.acrobits.net/api/client/rate_checker.html): the price of one SMS
 * segment to the number being typed, as Send Message would charge it.
 *
 * The recipient is resolved exactly as Send Message resolves it (app/recipients.ts) and priced from the
 * same table (`onNet` for another account, else the longest matching prefix), so the rate shown is
 * what the next send costs per segment. The app asks while the user types, often with only the start
 * of a number: a `+` and digits that are not yet a whole number are priced by the prefix table alone
 * (the best match for what is typed so far). Anything else Send Message would refuse gets the
 * configured `unknown` string with 200: the app shows it in place of a price, as it is asked again at
 * every pause in the typing.
 */
import { parseAddress } from '../domain/address.js';
import { fillMoney, formatMicros } from '../domain/money.js';
import { type RateTable, segmentPriceMicros, toMicros } from '../domain/rates.js';
import { SmsError } from '../errors.js';
import type { Authenticate, Credentials } from './authenticate.js';
import type { Account, AccountLookup } from './ports.js';
import { type Destination, makeResolveRecipient, type RecipientRules } from './recipients.js';

/** What the app asks about. */
export interface RateCommand {
  /** `%targetNumber%`: the number as typed, normalised by the app, possibly only its start. */
  target: string;
  /** `%smartUri%`: the SIP URI Smart Contacts found for an on-net call; empty when none. */
  smartUri: string | undefined;
}

export interface RateOptions {
  rates: RateTable;
  recipients: RecipientRules;
  currency: string;
  /** `%amount%` and `%currency%` placeholders. */
  format: string;
  /** Fewest decimals shown (a price shows every decimal it has beyond these). */
  decimals: number;
  /** Shown for a number textbridge cannot send to. */
  unknown: string;
}

/** The rate string the app shows, and whether the recipient is another account here. */
export interface RateResult {
  display: string;
  onNet: boolean;
}

export type CheckRate = (credentials: Credentials, readRequest: () => RateCommand) => Promise<RateResult>;

/** A `+` and digits that are not (yet) a whole number, after the app's own normalisation. */
const TYPED_PREFIX = /^\+\d{1,15}$/;

export function makeCheckRate(deps: {
  authenticate: Authenticate;
  accounts: AccountLookup;
  options: RateOptions;
}): CheckRate {
  const { authenticate, accounts, options } = deps;
  const resolveRecipient = makeResolveRecipient(accounts, options.recipients);
  const show = (micros: number, onNet: boolean): RateResult => ({
    display: fillMoney(options.format, formatMicros(micros, options.decimals, true), options.currency),
    onNet,
  });

  /** Where Send Message would send `raw`; undefined where it would refuse it (406). */
  const resolve = async (raw: string, sender: Account): Promise<Destination | undefined> => {
    const addr = parseAddress(raw, sender.region);
    try {
      return addr && (await resolveRecipient(addr));
    } catch (err) {
      if (err instanceof SmsError) return undefined;
      throw err;
    }
  };

  return async (credentials, readRequest) => {
    const sender = await authenticate(credentials);
    const { target, smartUri } = readRequest();
    const smart = smartUri ? await resolve(smartUri, sender) : undefined;
    const dest = smart?.onNet ? smart : await resolve(target, sender);
    if (dest?.onNet) return show(toMicros(options.rates.onNet), true);
    if (dest) return show(segmentPriceMicros(options.rates, dest.to), false);
    const typed = target.replace(/[\s().-]/g, '');
    if (TYPED_PREFIX.test(typed)) return show(segmentPriceMicros(options.rates, typed), false);
    return { display: options.unknown, onNet: false };
  };
}
