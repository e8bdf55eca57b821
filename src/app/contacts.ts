/**
 * Web Service Contacts use-case (https://doc.acrobits.net/api/client/web_contacts.html): the provider's
 * on-net directory as the app's address book, so users message colleagues by name.
 *
 * Which accounts a caller sees is configuration (`contacts.show`): `none` (the default: an account
 * learns nothing of the others unless the provider chooses so), `all`, or `group` (the accounts of the
 * caller's own group; a caller without a group sees none). The caller is never listed. The app reads
 * the whole directory in one request and polls it (every 180 s by default), so the answer is bounded
 * (`maxContacts`, by username) and a cut directory is logged for the operator.
 */
import type { Authenticate, Credentials } from './authenticate.js';
import type { Log } from './ports.js';

/** One account as the directory shows it. */
export interface DirectoryEntry {
  username: string;
  /** null = none set (the username is shown). */
  displayName: string | null;
  /** E.164 numbers and extensions, first = the account's own address. */
  numbers: string[];
}

/** The directory as the contacts use-case reads it. */
export interface ContactDirectory {
  /** The account's directory group; null = none. */
  groupOf(accountId: number): Promise<string | null>;
  /** Accounts but `exceptId` (of `group` only, when given), ordered by username, at most `limit`. */
  list(f: { exceptId: number; group?: string; limit: number }): Promise<DirectoryEntry[]>;
}

export interface ContactsOptions {
  show: 'none' | 'all' | 'group';
  maxContacts: number;
}

export type ListContacts = (credentials: Credentials) => Promise<DirectoryEntry[]>;

export function makeListContacts(deps: {
  authenticate: Authenticate;
  directory: ContactDirectory;
  options: ContactsOptions;
  log: Log;
}): ListContacts {
  const { authenticate, directory, options, log } = deps;
  return async (credentials) => {
    const caller = await authenticate(credentials);
    if (options.show === 'none') return [];
    let group: string | undefined;
    if (options.show === 'group') {
      const own = await directory.groupOf(caller.id);
      if (own === null) return [];
      group = own;
    }
    const limit = options.maxContacts;
    const entries = await directory.list({
      exceptId: caller.id,
      ...(group === undefined ? {} : { group }),
      limit: limit + 1,
    });
    if (entries.length <= limit) return entries;
    log.warn({ accountId: caller.id, maxContacts: limit }, 'directory cut at contacts.maxContacts');
    return entries.slice(0, limit);
  };
}
