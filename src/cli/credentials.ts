/** `account add`'s credential options: a password, or one hash imported from another system. */
import type { ImportedCredential } from '../app/accounts.js';

export interface AddOpts {
  password?: string;
  ha1?: string;
  realm?: string;
  sipUsername?: string;
  bcrypt?: string;
  scrypt?: string;
  number: string[];
  region: string;
  credit?: string;
}

/** The one credential `account add` was given; the use-case refuses none or several. */
export function credentialFrom(o: AddOpts): { password?: string; hash?: ImportedCredential } {
  const hashes: ImportedCredential[] = [];
  if (o.ha1 !== undefined || o.realm !== undefined) {
    if (o.ha1 === undefined || o.realm === undefined) throw new Error('--ha1 and --realm go together');
    hashes.push({ ha1: o.ha1, realm: o.realm, ...(o.sipUsername ? { sipUsername: o.sipUsername } : {}) });
  }
  if (o.bcrypt !== undefined) hashes.push({ bcrypt: o.bcrypt });
  if (o.scrypt !== undefined) hashes.push({ scrypt: o.scrypt });
  if (hashes.length + (o.password === undefined ? 0 : 1) !== 1) {
    throw new Error('give exactly one of --password, --ha1 (with --realm), --bcrypt, --scrypt');
  }
  return o.password !== undefined ? { password: o.password } : { hash: hashes[0]! };
}
