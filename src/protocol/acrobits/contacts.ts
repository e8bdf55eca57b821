/**
 * Web Service Contacts answer (https://doc.acrobits.net/api/client/web_contacts.html): JSON with an
 * array of contacts in the app's own format, wrapped as `{"contacts":[…]}` as Acrobits' sample does
 * (https://github.com/Acrobits-Dev/integration-snippets).
 *
 * Each account is one contact: `contactId` and `nick` are its username, `displayName` its display name
 * (else the username), and each number one `tel` entry (`entryId` `tel:<n>`). An account without
 * numbers gets its username as its one entry: Send Message reaches an account by username too.
 * `checksum` changes whenever anything else in the contact does (the app compares it to decide what
 * to update): the first 16 hex digits of a SHA-256 over the contact's JSON.
 */
import { createHash } from 'node:crypto';

/** An account as the use-case gives it. */
export interface ContactAnswer {
  username: string;
  displayName: string | null;
  numbers: readonly string[];
}

interface Entry {
  entryId: string;
  label: string;
  type: 'tel';
  uri: string;
}

function contact(a: ContactAnswer) {
  const entries: Entry[] =
    a.numbers.length > 0
      ? a.numbers.map((uri, i) => ({ entryId: `tel:${i}`, label: 'work', type: 'tel', uri }))
      : [{ entryId: 'tel:0', label: 'username', type: 'tel', uri: a.username }];
  const body = { displayName: a.displayName ?? a.username, nick: a.username, contactEntries: entries };
  const checksum = createHash('sha256')
    .update(JSON.stringify([a.username, body]))
    .digest('hex')
    .slice(0, 16)
    .toUpperCase();
  return {
    contactId: a.username,
    displayName: body.displayName,
    checksum,
    nick: body.nick,
    contactEntries: entries,
  };
}

/** `{"contacts":[{"contactId":…,"displayName":…,"checksum":…,"nick":…,"contactEntries":[…]}]}` */
export function contactsJson(list: readonly ContactAnswer[]): string {
  return JSON.stringify({ contacts: list.map(contact) });
}
