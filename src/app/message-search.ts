/**
 * Message search for the admin API (and the view the CLI prints): by account, number, status,
 * direction and time range, newest first, a page at a time; and every match, for an export.
 */
import type { Message, MessageStatus } from '../domain/message.js';
import { fromMicros } from '../domain/rates.js';
import { notFound } from '../errors.js';
import type { Account } from './ports.js';

/** What a search takes: the store's filter, with the account by username. */
export interface MessageQuery {
  account?: string;
  number?: string;
  status?: MessageStatus;
  direction?: 'inbound' | 'outbound' | 'on-net';
  since?: number;
  until?: number;
  before?: number;
  limit: number;
}

export interface MessageSearchStore {
  searchMessages(f: Omit<MessageQuery, 'account'> & { accountId?: number }): Promise<Message[]>;
  findAccount(username: string): Promise<Account | undefined>;
}

/** A message as the CLI and the admin API show it. */
export const messageView = (m: Message) => ({
  sms_id: String(m.id),
  from: m.from,
  to: m.to,
  to_raw: m.toRaw,
  body: m.body,
  content_type: m.contentType,
  status: m.status,
  direction: m.senderAccountId === null ? 'inbound' : m.recipientAccountId === null ? 'outbound' : 'on-net',
  segments: m.segments,
  charge: fromMicros(m.chargeMicros),
  carrier: m.carrier,
  carrier_ref: m.carrierRef,
  attempts: m.attempts,
  last_error: m.lastError,
  created_at: new Date(m.createdAt).toISOString(),
  updated_at: new Date(m.updatedAt).toISOString(),
});

export type MessageView = ReturnType<typeof messageView>;

/** Rows read per statement while exporting. */
const EXPORT_PAGE = 1000;

export function makeMessageSearch(store: MessageSearchStore) {
  const filter = async ({ account, ...f }: MessageQuery) => {
    if (account === undefined) return f;
    const a = await store.findAccount(account);
    if (!a) throw notFound(`No account ${account}`);
    return { ...f, accountId: a.id };
  };
  return {
    view: messageView,

    /** One page, newest first; `next` is the cursor (`before`) of the next page, absent on the last. */
    async page(q: MessageQuery): Promise<{ messages: MessageView[]; next?: string }> {
      const rows = await store.searchMessages({ ...(await filter(q)), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      const messages = page.map(messageView);
      return rows.length > q.limit && last ? { messages, next: String(last.id) } : { messages };
    },

    /** Every match, newest first, read a page at a time (never all at once). */
    async *all(q: Omit<MessageQuery, 'limit' | 'before'>): AsyncGenerator<MessageView> {
      const f = await filter({ ...q, limit: EXPORT_PAGE });
      let before: number | undefined;
      for (;;) {
        const rows = await store.searchMessages({ ...f, ...(before === undefined ? {} : { before }) });
        for (const m of rows) yield messageView(m);
        if (rows.length < EXPORT_PAGE) return;
        before = rows.at(-1)!.id;
      }
    },
  };
}

export type MessageSearch = ReturnType<typeof makeMessageSearch>;
export type { Message } from '../domain/message.js';
export { MESSAGE_STATUSES } from '../domain/message.js';
