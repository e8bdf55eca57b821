/**
 * Event webhook statements, one per function (`webhook_events`, migration 0016; docs/webhooks.md).
 * Events are written in the transaction of the change they report, with one `webhook` job each whose
 * `order_key` keeps a message's (or an account's) events in order per endpoint.
 */
import { randomUUID } from 'node:crypto';
import type { EventRow, MessageFacts, WebhookEventName } from '../../app/webhook-events.js';
import type { StoredEvent } from '../../app/webhook-job.js';
import { chunks } from '../engine/batcher.js';
import type { Q } from './accounts.js';

/**
 * select m.id, m.from_addr, m.to_addr, m.status, m.carrier, m.body, m.last_error, m.updated_at,
 *        m.inbound_key, a.id, a.username
 * from messages m left join accounts a on a.id = m.<sender_account_id | recipient_account_id>
 * where m.id in (:ids) and m.status in (:statuses)
 * The account is the sender's for outbound messages, the recipient's for inbound ones.
 */
export async function selectMessageFacts(
  q: Q,
  ids: readonly number[],
  side: 'sender' | 'recipient',
  statuses: readonly string[],
): Promise<MessageFacts[]> {
  const out: MessageFacts[] = [];
  const column = side === 'sender' ? 'm.sender_account_id' : 'm.recipient_account_id';
  for (const part of chunks(ids, 500)) {
    const rows = await q
      .selectFrom('messages as m')
      .leftJoin('accounts as a', 'a.id', column)
      .select([
        'm.id',
        'm.from_addr',
        'm.to_addr',
        'm.status',
        'm.carrier',
        'm.body',
        'm.last_error',
        'm.updated_at',
        'm.inbound_key',
        'a.id as account_id',
        'a.username',
      ])
      .where('m.id', 'in', part)
      .where('m.status', 'in', statuses)
      .orderBy('m.id')
      .execute();
    for (const r of rows) {
      out.push({
        id: Number(r.id),
        accountId: r.account_id === null ? null : Number(r.account_id),
        account: r.username,
        from: r.from_addr,
        to: r.to_addr,
        status: r.status,
        // An inbound message's carrier is the first field of its key (`<carrier>|<ref>`).
        carrier: r.carrier ?? (r.inbound_key === null ? null : (r.inbound_key.split('|')[0] ?? null)),
        body: r.body,
        lastError: r.last_error,
        at: Number(r.updated_at),
      });
    }
  }
  return out;
}

/**
 * insert into webhook_events (uid, endpoint, event, message_id, account_id, payload, created_at)
 *   values (…), … returning id, uid;
 * insert into jobs (kind, ref_id, run_at, attempts, created_at, order_key) values ('webhook', …), …
 * Rows keep their order: the jobs' ids grow in the order of `rows`, which is the order of each key.
 */
export async function insertWebhookEvents(q: Q, rows: readonly EventRow[], now: number): Promise<void> {
  for (const part of chunks(rows, 200)) {
    const values = part.map((r) => ({
      uid: `msg_${randomUUID().replaceAll('-', '')}`,
      endpoint: r.endpoint,
      event: r.event,
      message_id: r.messageId,
      account_id: r.accountId,
      payload: r.payload,
      created_at: now,
    }));
    const ids = await q.insertInto('webhook_events').values(values).returning(['id', 'uid']).execute();
    const idOf = new Map(ids.map((r) => [r.uid, Number(r.id)]));
    await q
      .insertInto('jobs')
      .values(
        values.map((v, i) => ({
          kind: 'webhook',
          ref_id: idOf.get(v.uid) ?? -1,
          run_at: now,
          attempts: 0,
          created_at: now,
          order_key: part[i]!.orderKey,
        })),
      )
      .execute();
  }
}

/** select e.*, a.username from webhook_events e left join accounts a on a.id = e.account_id where e.id = :id */
export async function selectWebhookEvent(q: Q, id: number): Promise<StoredEvent | undefined> {
  const r = await q
    .selectFrom('webhook_events as e')
    .leftJoin('accounts as a', 'a.id', 'e.account_id')
    .select([
      'e.id',
      'e.uid',
      'e.endpoint',
      'e.event',
      'e.message_id',
      'e.account_id',
      'e.payload',
      'e.created_at',
      'a.username',
    ])
    .where('e.id', '=', id)
    .executeTakeFirst();
  return (
    r && {
      id: Number(r.id),
      uid: r.uid,
      endpoint: r.endpoint,
      event: r.event as WebhookEventName,
      messageId: r.message_id === null ? null : Number(r.message_id),
      accountId: r.account_id === null ? null : Number(r.account_id),
      account: r.username,
      payload: r.payload,
      createdAt: Number(r.created_at),
    }
  );
}

/** delete from webhook_events where id = :id */
export async function deleteWebhookEvent(q: Q, id: number): Promise<void> {
  await q.deleteFrom('webhook_events').where('id', '=', id).execute();
}

/**
 * The low-credit trigger's threshold (migration 0016): `insert into settings … on conflict do update`,
 * or `delete from settings where name = :name` when no endpoint wants `account.low_credit`.
 */
export async function setSetting(q: Q, name: string, value: string | null): Promise<void> {
  if (value === null) {
    await q.deleteFrom('settings').where('name', '=', name).execute();
    return;
  }
  await q
    .insertInto('settings')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}
