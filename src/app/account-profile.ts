/**
 * An account's profile: how the on-net directory (Web Service Contacts, app/contacts.ts) shows it.
 * Both parts are optional; an empty value given to `account set` clears one.
 */
import { isText } from '../domain/text.js';
import { badRequest } from '../errors.js';

export interface AccountProfile {
  /** Shown as the contact's name; null = the username. */
  displayName: string | null;
  /** Accounts of one group see each other with `contacts.show: "group"`; null = no group. */
  group: string | null;
}

/** Profile changes as an edge gives them: undefined = leave as is, '' = clear. */
export interface ProfileInput {
  displayName?: string | undefined;
  group?: string | undefined;
}

const CONTROL = /\p{Cc}/u;
const GROUP = /^[\p{L}\p{N}._@-]{1,64}$/u;

/** Checked changes: a display name of at most 100 characters, a group name of letters, digits and `._@-`. */
export function checkProfile(input: ProfileInput): Partial<AccountProfile> {
  const out: Partial<AccountProfile> = {};
  if (input.displayName !== undefined) {
    const name = input.displayName.trim();
    if (name.length > 100 || CONTROL.test(name) || !isText(name)) {
      throw badRequest('Display name must be at most 100 characters, without control characters');
    }
    out.displayName = name || null;
  }
  if (input.group !== undefined) {
    const group = input.group.trim();
    if (group !== '' && !GROUP.test(group)) {
      throw badRequest(`Invalid group: ${input.group} (letters, digits and . _ @ -, at most 64)`);
    }
    out.group = group || null;
  }
  return out;
}

/** The profile's parts that are set, for a view (absent rather than null, so views stay as they were). */
export const profileView = (p: AccountProfile): { displayName?: string; group?: string } => ({
  ...(p.displayName === null ? {} : { displayName: p.displayName }),
  ...(p.group === null ? {} : { group: p.group }),
});
