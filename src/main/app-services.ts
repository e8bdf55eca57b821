/**
 * Composition of the app's other services (Balance Checker, Rate Checker, Web Service Contacts) for
 * the HTTP edge, beside `main/two-way.ts`.
 */
import type { Authenticate } from '../app/authenticate.js';
import { makeCheckBalance } from '../app/balance.js';
import type { Config } from '../config/index.js';
import type { AppServiceHandlers } from '../http/handlers.js';
import { makeAppServiceStore } from '../store/adapters/app-services.js';
import type { Db } from '../store/engine/db.js';

export function appServiceHandlers(config: Config, db: Db, authenticate: Authenticate): AppServiceHandlers {
  const store = makeAppServiceStore(db);
  return {
    checkBalance: makeCheckBalance({ authenticate, credit: store, options: config.balance }),
  };
}
