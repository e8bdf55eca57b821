/**
 * The store's side of readiness (`app/readiness.ts`). Normally one cheap statement that touches no
 * table (`select 1`). While the store remembers a fault (store/engine/faults.ts: a full disk, an I/O
 * error, a lost connection), the probe is the engine's cheapest write instead, and the store is not
 * ready until it succeeds: a load balancer then stops sending requests that could not be stored, and
 * readiness comes back by itself once the disk has room again, without a restart.
 *
 * On PostgreSQL the probe cannot see the database server's disk (a write that fits in its buffers
 * succeeds on a full disk), so there a fault seen by any request in the last `recentMs` (default 10 s)
 * keeps the store not ready, and the next write that succeeds ends it.
 */
import { sql } from 'kysely';
import type { StoreProbe } from '../../app/readiness.js';
import type { Db } from '../engine/db.js';

export function makeStoreProbe(db: Db, recentMs = 10_000): StoreProbe {
  return {
    async ping() {
      if (db.faults.current) {
        const probed = await db.writeProbe().then(
          () => true,
          () => false,
        );
        const still = db.faults.current;
        if (!probed || (still && (db.dialect === 'sqlite' || db.faults.sinceLast() < recentMs))) {
          // Without the store's location: /readyz answers anyone who can reach it.
          throw new Error(db.faults.describe());
        }
      }
      await sql`select 1`.execute(db.kysely);
    },
  };
}
