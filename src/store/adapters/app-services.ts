/** The store side of the app's other services (app/balance.ts, app/contacts.ts). */
import type { CreditLookup } from '../../app/balance.js';
import type { Db } from '../engine/db.js';
import { readCredit } from '../sql/accounts.js';

export function makeAppServiceStore(db: Db): CreditLookup {
  const k = db.kysely;
  return {
    creditOf: (accountId) => readCredit(k, accountId),
  };
}
