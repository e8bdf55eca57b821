/**
 * The operator's side, wired for the `textbridge` command (and for an admin API): account and
 * message administration over the configured store, and the one-off store copy. The CLI reaches the
 * store only through here, so it uses the same use-cases any other edge would.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type AccountEdit, makeAccountEdit } from '../app/account-edit.js';
import { makeRemoveAccount, type RemoveAccount } from '../app/account-removal.js';
import { type ImportLine, upsertAccounts } from '../app/account-upsert.js';
import { type AccountAdmin, makeAccountAdmin } from '../app/accounts.js';
import { type AdminTokens, makeAdminTokens } from '../app/admin-tokens.js';
import { type CarrierState, makeCarrierState } from '../app/carrier-state.js';
import { type MessageSearch, makeMessageSearch } from '../app/message-search.js';
import { type MessageStats, makeMessageStats } from '../app/message-stats.js';
import { type Clock, systemClock } from '../app/ports.js';
import type { RefusedWebhookLog } from '../app/refused-webhooks.js';
import { makeReadTimeline, type ReadTimeline } from '../app/timeline.js';
import type { Config } from '../config/index.js';
import type { Message } from '../domain/message.js';
import { notFound } from '../errors.js';
import {
  makeAccountEditStore,
  makeAccountRemovalStore,
  makeAccountUpsertStore,
  makeAdminStore,
  makeCarrierStateStore,
  makeMessageSearchStore,
  makeMessageStatsStore,
  makeRefusedWebhookLog,
} from '../store/adapters/admin.js';
import { makeAdminTokenStore } from '../store/adapters/admin-tokens.js';
import { makeDeliveryStore } from '../store/adapters/delivery.js';
import { makeTimelineStore } from '../store/adapters/timeline.js';
import { type CopyReport, copyStore } from '../store/engine/copy.js';
import { type Db, openDb, SQLITE_FILE } from '../store/engine/db.js';
import { findMessage } from '../store/sql/messages.js';
import { openMediaStore } from './media.js';
import { openStore } from './store.js';

export interface Admin {
  accounts: AccountAdmin;
  /** The admin API's account page and multi-field update. */
  edit: AccountEdit;
  /** The admin API's bearer tokens (`textbridge admin token …`). */
  tokens: AdminTokens;
  /** Create or update accounts from CSV or JSON lines; the report, line by line, as batches commit. */
  importAccounts(lines: AsyncIterable<string>, region: string): AsyncGenerator<ImportLine>;
  /** Messages per minute by direction and status (charts). */
  messageStats: MessageStats;
  /** Each carrier's state, given the links of the running carriers. */
  carrierState: CarrierState;
  /** The last refused or ignored inbound webhooks. */
  refusedWebhooks: Pick<RefusedWebhookLog, 'recent'>;
  /** Message search and export (the admin API). */
  messages: MessageSearch;
  /** One message, or undefined. */
  findMessage(smsId: number): Promise<Message | undefined>;
  /**
   * An operator's retry: a failed message goes back to `queued`; `not-failed` when the message is in
   * another state, `missing` when there is no such message.
   */
  retryMessage(smsId: number): Promise<'queued' | 'not-failed' | 'missing'>;
  /** A message and its timeline (`messages show`, the admin API); undefined for no such message. */
  messageTimeline: ReadTimeline;
  /**
   * Delete an account (`account remove`, `DELETE /admin/v1/accounts/{username}`); with `purge`, also
   * its media files and its messages. 404 for no such account.
   */
  removeAccount: RemoveAccount;
  close(): Promise<void>;
}

/** The operator's use-cases over an open store: what the CLI and the admin API both call. */
export type AdminUseCases = Omit<Admin, 'close'>;

/** The operator's use-cases over `db` (the server's own store, or one the CLI opened). */
export function adminUseCases(config: Config, db: Db, clock: Clock = systemClock): AdminUseCases {
  const store = makeAdminStore(db);
  const accounts = makeAccountAdmin(store, clock);
  return {
    accounts,
    edit: makeAccountEdit(makeAccountEditStore(db), accounts, clock),
    tokens: makeAdminTokens(makeAdminTokenStore(db), clock),
    removeAccount: makeRemoveAccount(makeAccountRemovalStore(db), (accountId) =>
      openMediaStore(config, db, clock).deleteOwnedBy(accountId),
    ),
    retryMessage: async (smsId) => {
      if (await makeDeliveryStore(db, clock).requeue(smsId)) return 'queued';
      return (await findMessage(db.kysely, smsId)) ? 'not-failed' : 'missing';
    },
    findMessage: (smsId) => findMessage(db.kysely, smsId),
    messageTimeline: makeReadTimeline(makeTimelineStore(db)),
    messages: makeMessageSearch(makeMessageSearchStore(db)),
    refusedWebhooks: makeRefusedWebhookLog(db),
    carrierState: makeCarrierState(makeCarrierStateStore(db), clock),
    messageStats: makeMessageStats(makeMessageStatsStore(db)),
    importAccounts: (lines, region) => upsertAccounts(makeAccountUpsertStore(db), clock, lines, region),
  };
}

/**
 * Open the configured store (migrating it) for administration; `close()` when done. With `existing`,
 * an embedded store that is not there yet is refused rather than created: a command that only reads
 * or changes what is stored must not answer from a new, empty store made by a mistyped `--data-dir`.
 */
export async function openAdmin(
  config: Config,
  clock: Clock = systemClock,
  opts: { existing?: boolean } = {},
): Promise<Admin> {
  if (opts.existing && !config.databaseUrl) requireEmbeddedStore(config.dataDir);
  const db = await openStore(config);
  return { ...adminUseCases(config, db, clock), close: () => db.close() };
}

export function requireEmbeddedStore(dataDir: string): void {
  const file = path.resolve(dataDir, SQLITE_FILE);
  if (!existsSync(file)) throw notFound(`no embedded store at ${file} (check --data-dir)`);
}

/** What `store copy` reports: where from, where to, rows per table. */
export interface CopyResult {
  from: string;
  to: string;
  tables: CopyReport;
}

/**
 * Copy the embedded store in `config.dataDir` (whatever `databaseUrl` says) into the PostgreSQL
 * database at `toUrl`. Refuses a missing embedded store, and a target with accounts unless `force`.
 */
export async function copyEmbeddedStore(config: Config, toUrl: string, force: boolean): Promise<CopyResult> {
  if (!/^postgres(ql)?:\/\//.test(toUrl)) throw new Error('--to must be a postgres:// URL');
  requireEmbeddedStore(config.dataDir);
  const from = openDb({ dataDir: config.dataDir });
  const to = openDb({ dataDir: config.dataDir, databaseUrl: toUrl });
  try {
    const tables = await copyStore(from, to, { force });
    return { from: from.where, to: to.where, tables };
  } finally {
    await from.close();
    await to.close();
  }
}
