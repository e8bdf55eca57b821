/**
 * Composition of the app's other services (Balance Checker, Rate Checker, Web Service Contacts) for
 * the HTTP edge, beside `main/two-way.ts`.
 */
import type { Authenticate } from '../app/authenticate.js';
import { makeCheckBalance } from '../app/balance.js';
import { makeListContacts } from '../app/contacts.js';
import type { AccountLookup, Log } from '../app/ports.js';
import { makeCheckRate } from '../app/rate-check.js';
import type { Config } from '../config/index.js';
import type { AppServiceHandlers } from '../http/handlers.js';
import { makeAppServiceStore } from '../store/adapters/app-services.js';
import type { Db } from '../store/engine/db.js';

export function appServiceHandlers(
  config: Config,
  db: Db,
  authenticate: Authenticate,
  accounts: AccountLookup,
  log: Log,
): AppServiceHandlers {
  const store = makeAppServiceStore(db);
  return {
    checkBalance: makeCheckBalance({ authenticate, credit: store, options: config.balance }),
    checkRate: makeCheckRate({
      authenticate,
      accounts,
      options: {
        ...config.rateCheck,
        rates: config.rates,
        recipients: config.recipients,
        currency: config.balance.currency,
        decimals: config.balance.decimals,
      },
    }),
    listContacts: makeListContacts({ authenticate, directory: store, options: config.contacts, log }),
  };
}
