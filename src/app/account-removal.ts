/**
 * Deleting an account, the one use-case behind `account remove [--purge]` and
 * `DELETE /admin/v1/accounts/{username}[?purge=true]`. A plain delete removes the account, its
 * numbers and push tokens; its messages stay, without the link. A purge also deletes its media files
 * and its messages with their timelines, carrier ids, outbox jobs and event webhooks (which messages
 * count as its own: store/sql/account-purge.ts).
 */
import { notFound } from '../errors.js';

export interface AccountRemovalStore {
  /** The account's id, or undefined. */
  accountId(username: string): Promise<number | undefined>;
  /** Delete the account (numbers, push tokens and send counts cascade); false when it was not there. */
  removeAccount(username: string): Promise<boolean>;
  /**
   * Delete the account's own messages and what hangs off them, a batch to a transaction, and last the
   * account itself in the same transaction as the last batch; how many messages went.
   */
  purgeAccount(accountId: number): Promise<number>;
}

/** What a removal did. */
export interface AccountRemoval {
  username: string;
  removed: true;
  /** With a purge: media files deleted. */
  mediaDeleted?: number;
  /** With a purge: messages deleted. */
  messagesDeleted?: number;
}

export type RemoveAccount = (username: string, opts?: { purge?: boolean }) => Promise<AccountRemoval>;

/** `deleteMedia(accountId)` deletes the files an account owns and answers how many. */
export function makeRemoveAccount(
  store: AccountRemovalStore,
  deleteMedia: (accountId: number) => Promise<number>,
): RemoveAccount {
  return async (username, opts = {}) => {
    const id = await store.accountId(username);
    if (id === undefined) throw notFound(`No account ${username}`);
    if (!opts.purge) {
      if (!(await store.removeAccount(username))) throw notFound(`No account ${username}`);
      return { username, removed: true };
    }
    // Media first, while the account still names its owner: a purge stopped half-way is finished by
    // running it again.
    const mediaDeleted = await deleteMedia(id);
    const messagesDeleted = await store.purgeAccount(id);
    return { username, removed: true, mediaDeleted, messagesDeleted };
  };
}
