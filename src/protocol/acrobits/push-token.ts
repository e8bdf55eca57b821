/**
 * Push Token Reporter and Account Removal Reporter (push_token_reporter and
 * account_removal_reporter docs, https://doc.acrobits.net/api/client/): template fields → a token report.
 * Keys are already lower-case (fields.ts), so `appId_msgs` and `appid_msgs` are one key.
 */
import { badRequest } from '../../errors.js';
import { type Fields, pick } from './fields.js';

/** Doc variable names first, then the matrix2acrobits JSON template's names (§3, §8.1). */
export const PUSH_ALIASES = {
  selector: ['selector'],
  installid: ['installid', 'device'],
  token: ['pushtoken', 'token', 'push_token'],
  appid: ['pushappid', 'appid', 'app_id'],
  tokenCalls: ['pushtokenincomingcall', 'token_calls'],
  appidCalls: ['pushappid_incoming_call', 'appid_calls', 'app_id_calls'],
  tokenOther: ['pushtokenother', 'token_msgs'],
  appidOther: ['pushappid_other', 'appid_msgs', 'app_id_msgs'],
} as const;

/** What one installation reported. Empty values are null: the app reports empty tokens at start-up (§8.11). */
export interface TokenReport {
  selector: string;
  installid: string | null;
  token: string | null;
  appid: string | null;
  tokenCalls: string | null;
  appidCalls: string | null;
  tokenOther: string | null;
  appidOther: string | null;
}

const value = (fields: Fields, aliases: readonly string[]): string | null =>
  pick(fields, aliases)?.trim() || null;

/** Read a token report. The selector names the row, so it is the one required field. */
export function readTokenReport(fields: Fields): TokenReport {
  const selector = value(fields, PUSH_ALIASES.selector);
  if (!selector) throw badRequest('Missing selector');
  return {
    selector,
    installid: value(fields, PUSH_ALIASES.installid),
    token: value(fields, PUSH_ALIASES.token),
    appid: value(fields, PUSH_ALIASES.appid),
    tokenCalls: value(fields, PUSH_ALIASES.tokenCalls),
    appidCalls: value(fields, PUSH_ALIASES.appidCalls),
    tokenOther: value(fields, PUSH_ALIASES.tokenOther),
    appidOther: value(fields, PUSH_ALIASES.appidOther),
  };
}

/**
 * What an account removal names: the selector, or failing that any token it reported (the removal
 * doc lists both among its variables). Neither → nothing to delete, still 2xx (§4).
 */
export interface RemovalReport {
  selector: string | null;
  tokens: string[];
}

export function readRemovalReport(fields: Fields): RemovalReport {
  const tokens = [PUSH_ALIASES.token, PUSH_ALIASES.tokenCalls, PUSH_ALIASES.tokenOther]
    .map((a) => value(fields, a))
    .filter((t): t is string => t !== null);
  return { selector: value(fields, PUSH_ALIASES.selector), tokens };
}
