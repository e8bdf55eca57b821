/** What the admin API calls: the same use-cases as the `textbridge` command (main/admin.ts wires both). */
import type { AccountEdit } from '../../app/account-edit.js';
import type { RemoveAccount } from '../../app/account-removal.js';
import type { ImportLine } from '../../app/account-upsert.js';
import type { AccountAdmin } from '../../app/accounts.js';
import type { AdminTokens } from '../../app/admin-tokens.js';
import type { CarrierState, LiveCarrier } from '../../app/carrier-state.js';
import type { Message, MessageSearch } from '../../app/message-search.js';
import type { MessageStats } from '../../app/message-stats.js';
import type { Clock } from '../../app/ports.js';
import type { RefusedWebhookLog } from '../../app/refused-webhooks.js';
import type { ReadTimeline } from '../../app/timeline.js';

export interface AdminApiDeps {
  accounts: AccountAdmin;
  edit: AccountEdit;
  tokens: Pick<AdminTokens, 'verify'>;
  /** Delete an account; with `purge`, also its media files and messages. */
  removeAccount: RemoveAccount;
  retryMessage(smsId: number): Promise<'queued' | 'not-failed' | 'missing'>;
  findMessage(smsId: number): Promise<Message | undefined>;
  /** A message and its timeline (docs/timeline.md), or undefined. */
  messageTimeline: ReadTimeline;
  messages: MessageSearch;
  refusedWebhooks: Pick<RefusedWebhookLog, 'recent'>;
  carrierState: CarrierState;
  messageStats: MessageStats;
  /** The running carriers' links and windows (none where this process runs no carriers). */
  links(): LiveCarrier[];
  /** Create or update accounts from CSV or JSON lines; the report as batches commit. */
  importAccounts(lines: AsyncIterable<string>, region: string): AsyncGenerator<ImportLine>;
  /** Failed token checks allowed per client address within `failureWindowMs`, then 429. */
  maxFailuresPerAddress: number;
  failureWindowMs: number;
  clock: Clock;
  version: string;
  /** The effective configuration with its secrets masked (`GET /admin/v1/config`). */
  maskedConfig?: () => object;
  /** The built web console's folder (`dist/console`), served at `/console` beside the API. */
  consoleDir?: string;
}
