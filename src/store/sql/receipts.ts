/**
 * Receipt statements, one per function: a receipt marks one part of a message (`setPartStatus`), then
 * the message (`markDeliveredIfComplete`, `failByReceipt`). Split from `delivery.ts`, which writes the
 * sends these receipts are about.
 */
import type { NotifiedMessage } from '../../app/dispositions.js';
import type { Message } from '../../domain/message.js';
import { inLists } from '../engine/batcher.js';
import { prepareSized } from '../engine/prepared.js';
import type { Q } from './accounts.js';
import { messageColumns } from './message-columns.js';
import { toMessage } from './messages.js';

// The receipt statements run once or more per delivery receipt, thousands a second: each is compiled
// once and checked against Kysely's own bindings on first use (`prepareSized`, one size), not rebuilt
// per receipt (rebuilding them was ~40 % of a receipt's CPU, docs/benchmarks.md).
const ONE = () => 1;

/**
 * update carrier_refs set status = :status where carrier = :carrier and ref = :ref
 * and message_id = (select message_id from carrier_refs where carrier = :carrier and ref = :ref
 *                   order by sent_at desc, message_id desc limit 1)
 * returning message_id, part, (select count(*) from carrier_refs where carrier = :carrier and ref = :ref) as matches
 * — a receipt for one part goes to the most recent submission with that id (a carrier may reuse ids:
 * an SMSC restarted and counting from 1 again). The primary key (carrier, ref, sent_at, …) yields the
 * newest first, so both subqueries are one index search. `rows` (matches) > 1: other submissions share the id
 * (`submissionsOf` lists them, for the log).
 */
export async function setPartStatus(
  q: Q,
  carrier: string,
  ref: string,
  status: 'delivered' | 'failed',
): Promise<{ messageId: number; part: number; rows: number } | undefined> {
  const row = (await setPartStatusStmt.run(q, { carrier, ref, status })).rows[0];
  return row && { messageId: Number(row.message_id), part: Number(row.part), rows: Number(row.matches) };
}

/** `setPartStatus`'s statement, built (exported for the query-plan test). */
export const setPartStatusQuery = (
  q: Q,
  a: { carrier: string; ref: string; status: 'delivered' | 'failed' },
) =>
  q
    .updateTable('carrier_refs')
    .set({ status: a.status })
    .where('carrier', '=', a.carrier)
    .where('ref', '=', a.ref)
    .where('message_id', '=', (eb) =>
      eb
        .selectFrom('carrier_refs as newest')
        .select('newest.message_id')
        .where('newest.carrier', '=', a.carrier)
        .where('newest.ref', '=', a.ref)
        .orderBy('newest.sent_at', 'desc')
        .orderBy('newest.message_id', 'desc')
        .limit(1),
    )
    .returning((eb) => [
      'message_id',
      'part',
      eb
        .selectFrom('carrier_refs as same')
        .select((s) => s.fn.countAll<number | string>().as('n'))
        .where('same.carrier', '=', a.carrier)
        .where('same.ref', '=', a.ref)
        .as('matches'),
    ]);

const setPartStatusStmt = prepareSized(
  setPartStatusQuery,
  (a) => [a.status, a.carrier, a.ref, a.carrier, a.ref, 1, a.carrier, a.ref],
  ONE,
);

/**
 * select message_id from carrier_refs where carrier = :carrier and ref = :ref
 * order by sent_at desc, message_id desc — the messages sharing a carrier's id, newest submission
 * first, each once. Only when a receipt's id was ambiguous: the log names them.
 */
export async function submissionsOf(q: Q, carrier: string, ref: string): Promise<number[]> {
  const rows = await q
    .selectFrom('carrier_refs')
    .select('message_id')
    .where('carrier', '=', carrier)
    .where('ref', '=', ref)
    .orderBy('sent_at', 'desc')
    .orderBy('message_id', 'desc')
    .execute();
  return [...new Set(rows.map((r) => Number(r.message_id)))];
}

/**
 * update messages set status = 'delivered', last_error = null, updated_at = :now
 * where id in (:ids) and status in ('sending', 'sent') and not exists (select … from carrier_refs
 * where message_id = messages.id and carrier = :carrier and (status is null or status <> 'delivered'))
 * returning id, sender_account_id, from_addr, to_addr, disposition_notification
 * — the messages whose delivered receipts (of one batch, from one carrier) left no part out are
 * delivered; one statement for the batch, not a count and an update per receipt. A row comes back
 * only for a message this statement ended, so a repeated receipt stores nothing: what is returned is
 * what the positive-delivery notices are built from.
 */
export async function markDeliveredIfComplete(
  q: Q,
  ids: readonly number[],
  carrier: string,
  now: number,
): Promise<NotifiedMessage[]> {
  const out: NotifiedMessage[] = [];
  for (const part of inLists(ids, 256)) {
    for (const row of (await markDeliveredStmt.run(q, { ids: part, carrier, now })).rows) {
      out.push({
        id: Number(row.id),
        senderAccountId: row.sender_account_id === null ? null : Number(row.sender_account_id),
        from: row.from_addr,
        to: row.to_addr,
        dispositionNotification: row.disposition_notification,
      });
    }
  }
  return out;
}

const markDeliveredStmt = prepareSized(
  (q, a: { ids: readonly number[]; carrier: string; now: number }) =>
    q
      .updateTable('messages')
      .set({ status: 'delivered', last_error: null, updated_at: a.now })
      .where('id', 'in', a.ids)
      .where('status', 'in', ['sending', 'sent'])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('carrier_refs')
              .select('carrier_refs.part')
              .whereRef('carrier_refs.message_id', '=', 'messages.id')
              .where('carrier_refs.carrier', '=', a.carrier)
              .where((w) =>
                w.or([w('carrier_refs.status', 'is', null), w('carrier_refs.status', '<>', 'delivered')]),
              ),
          ),
        ),
      )
      .returning(['id', 'sender_account_id', 'from_addr', 'to_addr', 'disposition_notification']),
  (a) => ['delivered', null, a.now, ...a.ids, 'sending', 'sent', a.carrier, 'delivered'],
  (a) => a.ids.length,
);

/**
 * update messages set status = 'failed', last_error = :error, updated_at = :now
 * where id = :id and status in ('sending', 'sent') returning … — a failed receipt's final word (the
 * bounce notice needs the message; a delivered one is `markDeliveredIfComplete`).
 */
export async function failByReceipt(
  q: Q,
  id: number,
  error: string,
  now: number,
): Promise<Message | undefined> {
  const row = (await failByReceiptStmt.run(q, { id, error, now })).rows[0];
  return row && toMessage(row);
}

const failByReceiptStmt = prepareSized(
  (q, a: { id: number; error: string; now: number }) =>
    q
      .updateTable('messages')
      .set({ status: 'failed', last_error: a.error, updated_at: a.now })
      .where('id', '=', a.id)
      .where('status', 'in', ['sending', 'sent'])
      .returning(messageColumns),
  (a) => ['failed', a.error, a.now, a.id, 'sending', 'sent'],
  ONE,
);
