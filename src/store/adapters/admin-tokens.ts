/** The store side of the admin API's tokens (`app/admin-tokens.ts`). */
import type { AdminTokenStore } from '../../app/admin-tokens.js';
import type { Db } from '../engine/db.js';
import { deleteToken, findTokenByHash, insertToken, listTokens, touchToken } from '../sql/admin-tokens.js';

export function makeAdminTokenStore(db: Db): AdminTokenStore {
  const k = db.kysely;
  return {
    insertToken: (t) => insertToken(k, t),
    listTokens: () => listTokens(k),
    deleteToken: (name) => deleteToken(k, name),
    findByHash: (hash) => findTokenByHash(k, hash),
    touch: (name, now) => touchToken(k, name, now),
  };
}
