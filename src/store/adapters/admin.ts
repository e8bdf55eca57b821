/** The store side of account administration (`app/accounts.ts`, `app/account-edit.ts`). */
import type { AccountEditStore } from '../../app/account-edit.js';
import type { AccountRemovalStore } from '../../app/account-removal.js';
import type { AccountUpsertStore } from '../../app/account-upsert.js';
import type { AccountAdminStore } from '../../app/accounts.js';
import type { CarrierStateStore } from '../../app/carrier-state.js';
import type { MessageSearchStore } from '../../app/message-search.js';
import type { MessageStatsStore } from '../../app/message-stats.js';
import type { RefusedWebhookLog } from '../../app/refused-webhooks.js';
import type { Db } from '../engine/db.js';
import {
  deleteAccountById,
  deleteAccountWebhooks,
  deleteMessages,
  ownMessageIds,
} from '../sql/account-purge.js';
import { upsertAccounts } from '../sql/account-upsert.js';
import {
  addCredit,
  deleteAccount,
  findAccountByUsername,
  insertAccount,
  insertNumbers,
  listAccounts,
  readProfile,
  setCredit,
  updatePasswordHash,
  updateProfile,
  usernameSpelling,
} from '../sql/accounts.js';
import { appendNumbers, pageAccounts, removeNumbers, updateRegion } from '../sql/admin-accounts.js';
import { searchMessages } from '../sql/admin-messages.js';
import { carrierCounts, deliverQueue } from '../sql/carrier-state.js';
import { messagesPerMinute } from '../sql/message-stats.js';
import { listMessages } from '../sql/messages.js';
import { insertRefusedWebhook, recentRefusedWebhooks } from '../sql/refused-webhooks.js';

export function makeAdminStore(db: Db): AccountAdminStore {
  const k = db.kysely;
  return {
    createAccount: (a) =>
      k.transaction().execute(async (trx) => {
        const id = await insertAccount(trx, a);
        await insertNumbers(trx, id, a.numbers);
        return id;
      }),
    setPasswordHash: (username, hash, now) => updatePasswordHash(k, username, hash, now),
    removeAccount: (username) => deleteAccount(k, username),
    addCredit: async (username, delta, now, maxMicros) =>
      (await addCredit(k, username, delta, now, maxMicros))?.creditMicros ?? undefined,
    setCredit: (username, micros, now) => setCredit(k, username, micros, now),
    listAccounts: () => listAccounts(k),
    setProfile: (username, profile, now) => updateProfile(k, username, profile, now),
    findAccount: async (username) => {
      const [account, profile] = await Promise.all([
        findAccountByUsername(k, username),
        readProfile(k, username),
      ]);
      return account && profile && { ...account, ...profile };
    },
    usernameTaken: (username) => usernameSpelling(k, username),
    numberOwner: async (number) =>
      (
        await k
          .selectFrom('account_numbers as n')
          .innerJoin('accounts as a', 'a.id', 'n.account_id')
          .select('a.username')
          .where('n.number', '=', number)
          .executeTakeFirst()
      )?.username,
    listMessages: (f) => listMessages(k, f),
  };
}

/** The store side of the admin API's account page and update (`app/account-edit.ts`). */
export function makeAccountEditStore(db: Db): AccountEditStore {
  const k = db.kysely;
  const base = makeAdminStore(db);
  return {
    pageAccounts: (f) => pageAccounts(k, f),
    findAccount: base.findAccount,
    numberOwner: base.numberOwner,
    setRegion: (username, region, now) => updateRegion(k, username, region, now),
    addNumbers: (accountId, numbers) => appendNumbers(k, accountId, numbers),
    removeNumbers: (accountId, numbers) => removeNumbers(k, accountId, numbers),
  };
}

/** The bulk import's store (`app/account-upsert.ts`): a batch of upserts in one durable transaction. */
export function makeAccountUpsertStore(db: Db): AccountUpsertStore {
  return {
    upsertBatch: (rows, now) => db.kysely.transaction().execute((trx) => upsertAccounts(trx, rows, now)),
  };
}

/** The store side of the admin API's message search (`app/message-search.ts`). */
export function makeMessageSearchStore(db: Db): MessageSearchStore {
  return {
    searchMessages: (f) => searchMessages(db.kysely, f),
    findAccount: (username) => findAccountByUsername(db.kysely, username),
  };
}

/** The bounded log of refused or ignored webhooks (`app/refused-webhooks.ts`). */
export function makeRefusedWebhookLog(db: Db): RefusedWebhookLog {
  return {
    record: (w, keep) => db.kysely.transaction().execute((trx) => insertRefusedWebhook(trx, w, keep)),
    recent: (limit) => recentRefusedWebhooks(db.kysely, limit),
  };
}

/** The store side of the carriers' state (`app/carrier-state.ts`). */
export function makeCarrierStateStore(db: Db): CarrierStateStore {
  return { counts: (now) => carrierCounts(db.kysely, now), queue: (now) => deliverQueue(db.kysely, now) };
}

/** The store side of the message charts (`app/message-stats.ts`). */
export function makeMessageStatsStore(db: Db): MessageStatsStore {
  return { perMinute: (from, to) => messagesPerMinute(db.kysely, from, to) };
}

/** Messages deleted per transaction of a purge, so no transaction holds the writers long. */
const PURGE_BATCH = 500;

/** The store side of deleting an account (`app/account-removal.ts`). */
export function makeAccountRemovalStore(db: Db): AccountRemovalStore {
  const k = db.kysely;
  return {
    accountId: async (username) => (await findAccountByUsername(k, username))?.id,
    removeAccount: (username) => deleteAccount(k, username),
    async purgeAccount(accountId) {
      let total = 0;
      for (let last = false; !last; ) {
        total += await k.transaction().execute(async (trx) => {
          const ids = await ownMessageIds(trx, accountId, PURGE_BATCH);
          const n = await deleteMessages(trx, ids);
          if (ids.length < PURGE_BATCH) {
            // The last batch and the account together: nothing new can reach it in between.
            await deleteAccountWebhooks(trx, accountId);
            await deleteAccountById(trx, accountId);
            last = true;
          }
          return n;
        });
      }
      return total;
    },
  };
}
