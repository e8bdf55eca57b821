/** The store's side of readiness (`app/readiness.ts`): one cheap statement that touches no table. */
import { sql } from 'kysely';
import type { StoreProbe } from '../../app/readiness.js';
import type { Db } from '../engine/db.js';

export function makeStoreProbe(db: Db): StoreProbe {
  return {
    async ping() {
      await sql`select 1`.execute(db.kysely);
    },
  };
}
