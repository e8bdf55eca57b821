/**
 * Fetch Messages use-case: authenticate exactly as Send Message does, then one page of each side of
 * the account's history after the app's cursor.
 *
 * Cursor rules (https://doc.acrobits.net/api/client/fetch_messages_modern.html):
 * - received: messages to the account with id > last_known_sms_id; sent: messages the account sent,
 *   from any device, with id > last_known_sent_sms_id (so a second device stays in sync).
 * - no usable id (empty, not ours, or above the account's newest on that side, i.e. from another
 *   backend) → the newest page, so the app never waits forever on an id we never issued.
 * - each side holds at most `pageSize` items; the app asks again with the last id it got.
 * - received messages nobody has fetched yet are returned even when their id is at or below the
 *   cursor. On PostgreSQL ids are taken from a sequence before commit, so a message can become
 *   visible after a fetch already returned a higher id; without this rule the app's cursor would
 *   have passed it for good. (Unread = not yet fetched by any device: the displayed rule below.)
 *
 * Displayed rule: a received message counts as displayed once any device of the account has fetched
 * it. A fetch answers each item's flag as it was *before* this fetch, then marks the page displayed:
 * the first device to fetch sees `displayed: false` (and notifies), every later fetch, from any
 * device, sees `true`. That first fetch is also when a sender who asked for `display` is told
 * (`dispositions.ts`).
 */
import type { FetchedMessage } from '../domain/message.js';
import { event, type NewEvent } from '../domain/timeline.js';
import type { Authenticate, Credentials } from './authenticate.js';
import type { FetchCommand } from './commands.js';
import { dispositionNotice, type Notification } from './dispositions.js';
import type { Account, Clock, JobKind, OutboxSignal } from './ports.js';

/** Received (the account is the recipient) or sent (the account is the sender). */
export type Side = 'received' | 'sent';

/** What Fetch Messages needs from the store. */
export interface FetchStore {
  /** At most `limit` messages on `side` with id > `afterId`, oldest first. */
  after(side: Side, accountId: number, afterId: number, limit: number): Promise<FetchedMessage[]>;
  /** The newest `limit` messages on `side`, oldest first. */
  newest(side: Side, accountId: number, limit: number): Promise<FetchedMessage[]>;
  /**
   * The largest id on each side, undefined on a side with none, and the oldest unread received id
   * (one statement: one round trip).
   */
  newestIds(accountId: number): Promise<Record<Side | 'oldestUnread', number | undefined>>;
  /** At most `limit` unread received messages with id <= `upToId`, oldest first. */
  unreadUpTo(accountId: number, upToId: number, limit: number): Promise<FetchedMessage[]>;
  /**
   * Mark these received messages displayed and, in the same transaction, store
   * the display notifications that earns (each once by its key, with `jobs`). Returns how many were
   * newly stored.
   */
  markDisplayed(
    accountId: number,
    ids: readonly number[],
    notices: readonly Notification[],
    jobs: readonly JobKind[],
    events: readonly NewEvent[],
  ): Promise<number>;
  /** Write timeline events (a page's `fetched`, each once per message and device). */
  record(events: readonly NewEvent[]): Promise<void>;
}

export interface FetchOptions {
  /** Most items per array in one answer. */
  pageSize: number;
}

export interface FetchDeps {
  authenticate: Authenticate;
  store: FetchStore;
  clock: Clock;
  options: FetchOptions;
  /** Jobs for a relayed display notification (`['push']` when push is on). */
  jobs: readonly JobKind[];
  /** Rung when display notifications were stored, so their pushes leave now. */
  outbox: OutboxSignal;
}

/** One page of each side, plus the server time for the `date` field. */
export interface FetchResult {
  now: number;
  account: Account;
  received: FetchedMessage[];
  sent: FetchedMessage[];
}

/** Same shape as SendMessage: the request is read only after authentication. */
export type FetchMessages = (
  credentials: Credentials,
  readRequest: () => FetchCommand,
) => Promise<FetchResult>;

export function makeFetchMessages({
  authenticate,
  store,
  clock,
  options,
  jobs,
  outbox,
}: FetchDeps): FetchMessages {
  // Each side's newest id first: one statement, a probe at the end of each side's index. It tells
  // the usual poll (caught up: nothing more to read, so one statement answers it) and an id we never
  // gave this account (from another backend: the newest page, so the app never waits forever) from a
  // cursor with messages after it.
  const page = (
    side: Side,
    accountId: number,
    lastId: number | undefined,
    newest: number | undefined,
  ): Promise<FetchedMessage[]> | FetchedMessage[] => {
    if (newest === undefined || lastId === newest) return [];
    if (lastId === undefined || lastId > newest) return store.newest(side, accountId, options.pageSize);
    return store.after(side, accountId, lastId, options.pageSize);
  };

  // Received messages below a valid cursor that no device has fetched yet (late commits), then the
  // page after the cursor; the late ones all have smaller ids, so the result stays in id order.
  const receivedPage = async (
    accountId: number,
    lastId: number | undefined,
    ids: Record<string, number | undefined>,
  ) => {
    const newest = ids['received'];
    const unread = ids['oldestUnread'];
    const cursorValid = lastId !== undefined && newest !== undefined && lastId <= newest;
    const late =
      cursorValid && unread !== undefined && unread <= lastId
        ? await store.unreadUpTo(accountId, lastId, options.pageSize)
        : [];
    const fresh = await page('received', accountId, lastId, newest);
    return late.length === 0 ? fresh : [...late, ...fresh].slice(0, options.pageSize);
  };

  return async (credentials, readRequest) => {
    const account = await authenticate(credentials);
    const req = readRequest();
    const newest = await store.newestIds(account.id);
    const [received, sent] = await Promise.all([
      receivedPage(account.id, req.lastReceivedId, newest),
      page('sent', account.id, req.lastSentId, newest.sent),
    ]);
    const now = clock.now();
    // Write only when something in the page is still unread: a caught-up poll stays read-only. The
    // first fetch of an unread message is its display: tell a sender who asked
    // (https://doc.acrobits.net/api/client/x-acro-disposition-notification.html).
    const unread = received.filter((m) => !m.displayed);
    // Each message's first fetch by this device goes into its timeline (later ones write nothing:
    // `once`); a caught-up poll returns nothing, so it writes nothing either.
    const device = req.device ?? 'unnamed';
    const events = received.map((m) => event(m.id, now, 'fetched', { device }, `fetched|${device}`));
    for (const m of unread) events.push(event(m.id, now, 'displayed', { device }));
    if (unread.length > 0) {
      const notices = received.flatMap((m) => {
        const n = m.displayed ? undefined : dispositionNotice(m, 'displayed', now);
        return n ? [n] : [];
      });
      const relayed = await store.markDisplayed(
        account.id,
        unread.map((m) => m.id),
        notices,
        jobs,
        events,
      );
      if (relayed > 0) outbox.wake();
    } else if (events.length > 0) await store.record(events);
    return { now, account, received, sent };
  };
}
