/**
 * Delivery statements, one per function. The bulk ones take many messages at once:
 * the delivery path writes in batches (`store/engine/batcher.ts`), and one set-based statement per batch is what
 * makes 10,000 status updates a second affordable; the hot ones are compiled once per batch size
 * (`store/engine/prepared.ts` `prepareSized`), not rebuilt by Kysely for every batch. Every status change names
 * the states it may leave in its own `where status in (…)`, so a late or repeated event changes
 * nothing.
 */
import { sql } from 'kysely';
import type { Message } from '../../domain/message.js';
import { prepareSized } from '../engine/prepared.js';
import type { Q } from './accounts.js';
import { messageColumns } from './message-columns.js';
import { toMessage } from './messages.js';

/**
 * select … from messages where id in (:ids) and status in ('queued', 'sending') — the messages a
 * worker is about to send. A read: the job's lease keeps other workers away, so no `sending` write (and
 * no commit) is needed. A message in any other state (sent, failed by an operator) is not returned:
 * its job is stale and is dropped, which is also what makes a repeated job harmless. (`sending` is
 * still accepted for rows written by versions that marked it.)
 */
export async function selectQueued(q: Q, ids: readonly number[]): Promise<Message[]> {
  if (ids.length === 0) return [];
  return (await queuedById.run(q, ids)).rows.map(toMessage);
}

const queuedById = prepareSized(
  (q, ids: readonly number[]) =>
    q
      .selectFrom('messages')
      .select(messageColumns)
      .where('id', 'in', ids)
      .where('status', 'in', ['queued', 'sending']),
  (ids) => [...ids, 'queued', 'sending'],
  (ids) => ids.length,
);

/** One carrier_refs row: a carrier's id for one part of a message. */
export interface CarrierRefRow {
  carrier: string;
  ref: string;
  messageId: number;
  part: number;
}

/**
 * insert into carrier_refs (carrier, ref, sent_at, message_id, part) values … on conflict do nothing.
 * A carrier that reuses an id gets a row per submission (receipts go to the newest, `setPartStatus`);
 * the same row written twice must not roll back a whole batch.
 */
export async function insertCarrierRefs(q: Q, rows: readonly CarrierRefRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  await insertRefs.run(q, { rows, now });
}

const insertRefs = prepareSized(
  (q, { rows, now }: { rows: readonly CarrierRefRow[]; now: number }) =>
    q
      .insertInto('carrier_refs')
      .values(
        rows.map((r) => ({
          carrier: r.carrier,
          ref: r.ref,
          sent_at: now,
          message_id: r.messageId,
          part: r.part,
        })),
      )
      .onConflict((oc) => oc.columns(['carrier', 'ref', 'sent_at', 'message_id', 'part']).doNothing()),
  // Loops, not `flatMap` (V8's generic flatMap costs ~0.3-1 µs a row; store/sql/accept-sqlite.ts has the figures).
  ({ rows, now }) => {
    const values: unknown[] = [];
    for (const r of rows) values.push(r.carrier, r.ref, now, r.messageId, r.part);
    return values;
  },
  ({ rows }) => rows.length,
);

/**
 * update messages set status = 'sent', carrier = :carrier, carrier_ref = case id when … end,
 * attempts = attempts + 1, last_error = null, updated_at = :now
 * where id in (:ids) and status in ('queued', 'sending') — one carrier's accepted messages.
 */
export async function markSent(
  q: Q,
  carrier: string,
  items: ReadonlyArray<{ id: number; ref: string }>,
  now: number,
): Promise<void> {
  if (items.length === 0) return;
  await markSentStmt.run(q, { carrier, items, now });
}

type SentArgs = { carrier: string; items: ReadonlyArray<{ id: number; ref: string }>; now: number };

const markSentStmt = prepareSized(
  (q, { carrier, items, now }: SentArgs) =>
    q
      .updateTable('messages')
      .set((eb) => ({
        status: 'sent',
        carrier,
        carrier_ref: sql<string>`case id ${sql.join(
          items.map((i) => sql`when ${i.id} then ${i.ref}`),
          sql` `,
        )} end`,
        attempts: eb('attempts', '+', 1),
        last_error: null,
        updated_at: now,
      }))
      .where(
        'id',
        'in',
        items.map((i) => i.id),
      )
      .where('status', 'in', ['queued', 'sending']),
  ({ carrier, items, now }) => {
    const values: unknown[] = ['sent', carrier];
    for (const i of items) values.push(i.id, i.ref);
    values.push(1, null, now);
    for (const i of items) values.push(i.id);
    values.push('queued', 'sending');
    return values;
  },
  ({ items }) => items.length,
);

/**
 * update messages set status = 'queued', attempts = attempts + 1, last_error = :error, updated_at = :now
 * where id = :id and status in ('queued', 'sending') — a transient failure; the job is rescheduled.
 */
export async function markRetrying(q: Q, id: number, error: string, now: number): Promise<void> {
  await q
    .updateTable('messages')
    .set((eb) => ({ status: 'queued', attempts: eb('attempts', '+', 1), last_error: error, updated_at: now }))
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending'])
    .execute();
}

/**
 * update accounts set credit_micros = credit_micros + (select charge_micros from messages where id = :id)
 * where id = (select sender_account_id from messages where id = :id) and credit_micros is not null.
 * Run before `markFailedBeforeSend`, which zeroes the charge: a message is refunded at most once.
 */
export async function refundCharge(q: Q, messageId: number): Promise<void> {
  await q
    .updateTable('accounts')
    .set((eb) => ({
      credit_micros: eb(
        'credit_micros',
        '+',
        eb.selectFrom('messages').select('charge_micros').where('id', '=', messageId),
      ),
    }))
    .where('id', '=', (eb) =>
      eb.selectFrom('messages').select('sender_account_id').where('id', '=', messageId),
    )
    .where('credit_micros', 'is not', null)
    .execute();
}

/**
 * update messages set status = 'failed', attempts = attempts + :counted, charge_micros = 0,
 * refunded_micros = refunded_micros + charge_micros, carrier = :carrier, last_error = :error,
 * updated_at = :now
 * where id = :id and status in ('queued', 'sending') — refused for good, or given up, before a carrier
 * accepted it. Returns whether the message moved (false: someone else finished it first). The charge
 * moves to `refunded_micros` (the right-hand sides read the row as it was), so the price the message
 * was accepted at stays `charge_micros + refunded_micros` (its timeline's `accepted` event).
 */
export async function markFailedBeforeSend(
  q: Q,
  f: { id: number; error: string; carrier: string | null; counted: number; now: number },
): Promise<boolean> {
  const r = await q
    .updateTable('messages')
    .set((eb) => ({
      status: 'failed',
      attempts: eb('attempts', '+', f.counted),
      charge_micros: 0,
      refunded_micros: eb('refunded_micros', '+', eb.ref('charge_micros')),
      carrier: f.carrier,
      last_error: f.error,
      updated_at: f.now,
    }))
    .where('id', '=', f.id)
    .where('status', 'in', ['queued', 'sending'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** select username from accounts where id = :id (the sender, for routing and the bounce notice) */
export async function findUsername(q: Q, accountId: number): Promise<string | undefined> {
  const r = await q.selectFrom('accounts').select('username').where('id', '=', accountId).executeTakeFirst();
  return r?.username;
}

/**
 * update messages set status = 'queued', last_error = null, updated_at = :now where id = :id
 * and status = 'failed' — an operator's `messages retry`. The refunded charge is not taken again.
 */

export async function requeueFailed(q: Q, id: number, now: number): Promise<boolean> {
  const r = await q
    .updateTable('messages')
    .set({ status: 'queued', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * delete from carrier_refs where message_id = :id — the ids of an earlier send, when a failed message
 * is sent again: its receipts are over, and a part refused then must not keep the new send from ending
 * `delivered` (served by carrier_refs_message).
 */
export async function deleteCarrierRefsOf(q: Q, id: number): Promise<void> {
  await q.deleteFrom('carrier_refs').where('message_id', '=', id).execute();
}
