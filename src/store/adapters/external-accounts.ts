/**
 * The store side of external verification (app/external-login.ts): create the account or bring it up
 * to date in one transaction. Numbers owned by another account are left out (and returned), never
 * taken from it.
 */
import type { ExternalAccountStore } from '../../app/external-login.js';
import type { Db } from '../engine/db.js';
import {
  findAccountByUsername,
  insertAccount,
  insertNumbers,
  setCredit,
  updateProfile,
} from '../sql/accounts.js';
import { deleteNumbers, numberOwners, updateRegion } from '../sql/external-accounts.js';

export function makeExternalAccountStore(db: Db): ExternalAccountStore {
  const upsert: ExternalAccountStore['upsertExternal'] = (a) =>
    db.kysely.transaction().execute(async (trx) => {
      const existing = await findAccountByUsername(trx, a.username);
      const owners = await numberOwners(trx, a.numbers ?? []);
      const taken = new Set(owners.filter((o) => o.username !== a.username).map((o) => o.number));
      const numbers = [...new Set(a.numbers ?? [])].filter((n) => !taken.has(n));
      if (!existing) {
        const id = await insertAccount(trx, {
          username: a.username,
          passwordHash: a.passwordHash,
          region: a.region ?? a.defaultRegion,
          creditMicros: a.creditMicros ?? null,
          ...(a.displayName === undefined ? {} : { displayName: a.displayName }),
          now: a.now,
        });
        await insertNumbers(trx, id, numbers);
      } else {
        if (a.region !== undefined && a.region !== existing.region) {
          await updateRegion(trx, existing.id, a.region, a.now);
        }
        if (a.numbers !== undefined && numbers.join() !== existing.numbers.join()) {
          await deleteNumbers(trx, existing.id);
          await insertNumbers(trx, existing.id, numbers);
        }
        if (a.creditMicros !== undefined && a.creditMicros !== existing.creditMicros) {
          await setCredit(trx, a.username, a.creditMicros, a.now);
        }
        if (a.displayName !== undefined) {
          await updateProfile(trx, a.username, { displayName: a.displayName }, a.now);
        }
      }
      return { skippedNumbers: [...taken] };
    });
  return {
    // Two instances creating the same account at once: the loser's insert fails on the unique username,
    // and its second try finds the account and updates it.
    upsertExternal: (a) => upsert(a).catch(() => upsert(a)),
  };
}
