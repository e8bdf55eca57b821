/** The store side of the app's other services (app/balance.ts, app/contacts.ts). */
import type { CreditLookup } from '../../app/balance.js';
import type { ContactDirectory } from '../../app/contacts.js';
import type { Db } from '../engine/db.js';
import { readCredit } from '../sql/accounts.js';
import { groupOf, listDirectory } from '../sql/directory.js';

export function makeAppServiceStore(db: Db): CreditLookup & ContactDirectory {
  const k = db.kysely;
  return {
    creditOf: (accountId) => readCredit(k, accountId),
    groupOf: (accountId) => groupOf(k, accountId),
    list: (f) => listDirectory(k, f),
  };
}
