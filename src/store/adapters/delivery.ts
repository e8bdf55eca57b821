/**
 * The `DeliveryStore` port over `store/sql/delivery.ts` statements. Three batchers:
 * - loads: every message a worker starts within one tick is loaded by one select (no write);
 * - outcomes: sent / retry / failed changes of one tick go into one transaction (one commit, one fsync
 *   on SQLite): the accepted ones as one insert into carrier_refs and one update per carrier; retries
 *   and failures with their job's new run time or deletion;
 * - receipts: one transaction per batch of receipts, with the notices they earn the senders.
 * Every outcome deletes or reschedules its job in the same transaction. (The jobs of accepted messages
 * were once deleted after the commit, in bulk, to shorten the commit that held the SMPP window; the
 * window is free at submit_sm_resp now, and one commit fewer per batch costs less than the deletes.)
 * Given the store's `inTransaction` (on SQLite the group commit), outcome and receipt batches join the
 * accepts' transaction instead of committing on their own: the pages both touch (the newest messages
 * and jobs) go to the WAL once per commit, and one fdatasync covers both (docs/benchmarks.md,
 * "Outcomes in the accepts' commit, leaner writes").
 * Sender accounts are cached for a few seconds: 10,000 messages a second come from few accounts.
 */
import type { DeliveryStore, FailedSend, ReceiptNotices, SenderInfo } from '../../app/delivery-ports.js';
import type { Clock, DeliveryReceipt } from '../../app/ports.js';
import type { Message } from '../../domain/message.js';
import { event, eventReason, type NewEvent } from '../../domain/timeline.js';
import { SmsError } from '../../errors.js';
import { Batcher, chunks, inLists } from '../engine/batcher.js';
import type { Db } from '../engine/db.js';
import { listNumbers, type Q } from '../sql/accounts.js';
import {
  type CarrierRefRow,
  deleteCarrierRefsOf,
  findUsername,
  insertCarrierRefs,
  markFailedBeforeSend,
  markRetrying,
  markSent,
  refundCharge,
  requeueFailed,
  selectQueued,
} from '../sql/delivery.js';
import { insertEvents } from '../sql/events.js';
import { insertKeyedMessage } from '../sql/inbox.js';
import { insertJobs, insertMessage } from '../sql/messages.js';
import { deleteJobs, deleteJobsOf, insertJob, rescheduleJob } from '../sql/outbox.js';
import { failByReceipt, markDeliveredIfComplete, setPartStatus, submissionsOf } from '../sql/receipts.js';
import type { Store } from './store.js';
import { type EventRecorder, NO_EVENTS } from './webhook-events.js';

type Timed = { events?: readonly NewEvent[] };
type Outcome =
  | ({ kind: 'sent'; messageId: number; jobId: number; carrier: string; refs: readonly string[] } & Timed)
  | ({ kind: 'retry'; messageId: number; jobId: number; error: string; retryAt: number } & Timed)
  | { kind: 'failed'; f: FailedSend & { jobId: number } };

const SENDER_TTL_MS = 5_000;
const NOTHING = () => undefined;

/**
 * Outcome and receipt batches: up to 2,000 items, two in flight, and under load at least 3 ms between
 * the starts of two (`Batcher`'s `gapMs`). Each batch costs its own statements (and, without a shared
 * transaction, its own commit) whatever its size; without the gap, an SMPP drain at window 10 committed
 * every ~10 messages (as many as one read of submit_sm_resp freed). With it a batch holds ~30 at 10,000
 * a second, and the drain took about a quarter less CPU per message (docs/benchmarks.md). An idle
 * store writes at once; the most an outcome waits for the gap is 3 ms, a first attempt's phone included.
 */
const OUTCOME_BATCHES = { maxBatch: 2_000, depth: 2, gapMs: 3 };

/** Where the store reports a failed sweep (a pino logger fits). */
export interface DeliveryStoreLog {
  warn(obj: object, msg: string): void;
}

/** Build the delivery store for `db`. */
export function makeDeliveryStore(
  db: Db,
  clock: Clock,
  log?: DeliveryStoreLog,
  hooks: EventRecorder = NO_EVENTS,
  writes?: Store['inTransaction'],
): DeliveryStore {
  const k = db.kysely;
  const transact = writes ? joined(writes) : <T>(work: (q: Q) => Promise<T>) => k.transaction().execute(work);

  const loads = new Batcher<number, Message | undefined>(async (ids) => {
    const found = new Map<number, Message>();
    for (const part of inLists(ids, 512)) {
      for (const m of await selectQueued(k, part)) found.set(m.id, m);
    }
    return ids.map((id) => found.get(id));
  });

  const writeFailure = async (q: Q, f: FailedSend, now: number, events: NewEvent[]): Promise<void> => {
    await refundCharge(q, f.messageId);
    const moved = await markFailedBeforeSend(q, { ...f, id: f.messageId, now });
    if (moved && f.refundMicros) events.push(event(f.messageId, now, 'refund', { micros: f.refundMicros }));
    if (moved && f.bounce) {
      const notice = await insertBounce(q, f.bounce, now);
      events.push(event(f.messageId, now, 'bounce', { notice }));
    }
    if (moved) await hooks.messages(q, 'failed', [f.messageId], now);
  };

  const outcomes = new Batcher<Outcome>(async (items) => {
    await transact(async (trx) => {
      const now = clock.now();
      const refs: CarrierRefRow[] = [];
      const sent = new Map<string, Array<{ id: number; ref: string }>>();
      const doneJobs: number[] = [];
      const events: NewEvent[] = [];
      for (const o of items) {
        const own = o.kind === 'failed' ? o.f.events : o.events;
        if (own) events.push(...own);
        if (o.kind === 'failed') doneJobs.push(o.f.jobId);
        if (o.kind !== 'sent') continue;
        doneJobs.push(o.jobId);
        o.refs.forEach((ref, i) => {
          if (ref !== '') refs.push({ carrier: o.carrier, ref, messageId: o.messageId, part: i + 1 });
        });
        const list = sent.get(o.carrier) ?? [];
        list.push({ id: o.messageId, ref: o.refs[0] ?? '' });
        sent.set(o.carrier, list);
      }
      for (const part of chunks(refs, 200)) await insertCarrierRefs(trx, part, now);
      for (const [carrier, list] of sent) {
        for (const part of chunks(list, 400)) await markSent(trx, carrier, part, now);
        await hooks.messages(
          trx,
          'sent',
          list.map((s) => s.id),
          now,
        );
      }
      for (const o of items) {
        if (o.kind === 'retry') {
          await markRetrying(trx, o.messageId, o.error, now);
          await rescheduleJob(trx, o.jobId, o.retryAt);
        } else if (o.kind === 'failed') await writeFailure(trx, o.f, now, events);
      }
      await deleteJobs(trx, doneJobs);
      await insertEvents(trx, events);
    });
    return undefined;
  }, OUTCOME_BATCHES);
  /** The outcome added last: a receipt batch waits for it (and so for every one before it). */
  let lastOutcome: Promise<void> = Promise.resolve();
  /** Add `o` to the next outcome batch, as the one a receipt batch waits for; resolves once durable. */
  const record = (o: Outcome): Promise<void> => {
    lastOutcome = outcomes.add(o);
    return lastOutcome;
  };

  // A carrier that reused an id: the receipt went to the newest submission; say which, and which not.
  const logAmbiguous = async (q: Q, carrier: string, ref: string, chosen: number): Promise<void> => {
    const ids = await submissionsOf(q, carrier, ref);
    if (ids.length < 2) return;
    log?.warn(
      { carrier, carrierRef: ref, smsIds: ids.map(String), chosen: String(chosen) },
      'receipt id shared by several messages of this carrier; applied to the most recent submission',
    );
  };

  type Applied = { matched: boolean; notified: boolean; smsId?: number };
  const receipts = new Batcher<{ r: DeliveryReceipt; notices: ReceiptNotices }, Applied>(async (items) => {
    // A fast SMSC sends a receipt right behind its submit_sm_resp, before that `sent` outcome is
    // committed: looked up now, the receipt would miss its submission and wait to be tried again
    // (`makeReceiptEvent`), a whole pass more. So a receipt batch first waits for the outcomes
    // added before it; whatever fails there is its own callers' business.
    await lastOutcome.then(NOTHING, NOTHING);
    return transact(async (trx) => {
      const now = clock.now();
      const results: Applied[] = [];
      const events: NewEvent[] = [];
      // Delivered receipts end their messages in one statement per carrier (`markDeliveredIfComplete`),
      // once every part status before them is set: before a failure receipt, and at the end. In that
      // order a batch ends the same messages, the same way, as one receipt at a time would.
      let delivered: Array<{ at: number; messageId: number; carrier: string; notices: ReceiptNotices }> = [];
      const endDelivered = async () => {
        const byCarrier = new Map<string, typeof delivered>();
        for (const d of delivered) {
          const list = byCarrier.get(d.carrier);
          if (list) list.push(d);
          else byCarrier.set(d.carrier, [d]);
        }
        delivered = [];
        for (const [carrier, list] of byCarrier) {
          // The last receipt of each message is the one that ended it (and tells of its notice).
          const last = new Map(list.map((d) => [d.messageId, d]));
          const ended = await markDeliveredIfComplete(trx, [...last.keys()], carrier, now);
          for (const m of ended) {
            const d = last.get(m.id);
            const n = d?.notices.delivered(m);
            const id = n && (await insertKeyedMessage(trx, n.message, n.key, now));
            if (!d || !n || id === undefined) continue;
            await insertJobs(trx, n.jobs, id, now);
            events.push(event(m.id, now, 'disposition', { status: 'delivered', notice: id }));
            results[d.at] = { matched: true, notified: true, smsId: m.id };
          }
          if (ended.length > 0) {
            await hooks.messages(
              trx,
              'delivered',
              ended.map((m) => m.id),
              now,
            );
          }
        }
      };
      for (const { r, notices } of items) {
        let ref = r.carrierRef;
        let hit = await setPartStatus(trx, r.carrier, ref, r.status);
        for (const other of r.otherRefs ?? []) {
          if (hit !== undefined) break;
          ref = other;
          hit = await setPartStatus(trx, r.carrier, ref, r.status);
        }
        if (hit === undefined) {
          results.push({ matched: false, notified: false });
          continue;
        }
        const messageId = hit.messageId;
        if (hit.rows > 1) await logAmbiguous(trx, r.carrier, ref, messageId);
        const { carrier, status } = r;
        const error = r.error === undefined ? {} : { error: eventReason(r.error) };
        events.push(event(messageId, now, 'receipt', { carrier, status, part: hit.part, ref, ...error }));
        if (r.status === 'delivered') {
          delivered.push({ at: results.length, messageId, carrier, notices });
          results.push({ matched: true, notified: false, smsId: messageId });
          continue;
        }
        await endDelivered();
        const reason = r.error ?? 'failed';
        const m = await failByReceipt(trx, messageId, reason, now);
        const b = m && notices.bounce(m, reason);
        if (b) events.push(event(messageId, now, 'bounce', { notice: await insertBounce(trx, b, now) }));
        if (m) await hooks.messages(trx, 'failed', [messageId], now);
        results.push({ matched: true, notified: b !== undefined, smsId: messageId });
      }
      await endDelivered();
      await insertEvents(trx, events);
      return results;
    });
  }, OUTCOME_BATCHES);

  const senders = new Map<number, { at: number; info: SenderInfo | undefined }>();

  return {
    loadQueued: (id) => loads.add(id),
    async senderOf(accountId) {
      const now = clock.now();
      const hit = senders.get(accountId);
      if (hit && now - hit.at < SENDER_TTL_MS) return hit.info;
      const username = await findUsername(k, accountId);
      const info =
        username === undefined ? undefined : { username, numbers: await listNumbers(k, accountId) };
      if (senders.size > 10_000) senders.clear();
      senders.set(accountId, { at: now, info });
      return info;
    },
    recordSent: (o) => record({ kind: 'sent', ...o }),
    recordRetry: (o) => record({ kind: 'retry', ...o }),
    recordFailed: (f) => record({ kind: 'failed', f }),
    applyReceipt: (r, notices) => receipts.add({ r, notices }),
    requeue: (messageId) =>
      k.transaction().execute(async (trx) => {
        const now = clock.now();
        if (!(await requeueFailed(trx, messageId, now))) return false;
        // A job of its earlier send may still be here (not swept before a crash): one job per message.
        await deleteJobsOf(trx, messageId, 'deliver');
        await deleteCarrierRefsOf(trx, messageId);
        await insertJob(trx, 'deliver', messageId, now);
        await insertEvents(trx, [event(messageId, now, 'retry', { by: 'operator' })]);
        return true;
      }),
  };
}

/**
 * Run batches through a shared transaction (the group commit), where an `SmsError` would count as the
 * refusal of this unit alone and keep what it wrote (store/engine/group-commit.ts). An outcome batch
 * has no refusal to give: any error it meets is rethrown as one that rolls the whole transaction back,
 * except the store's own "unavailable", which the group commit already treats so.
 */
function joined(writes: Store['inTransaction']): Store['inTransaction'] {
  return (work) =>
    writes(async (q) => {
      try {
        return await work(q);
      } catch (e) {
        if (e instanceof SmsError && e.code !== 'SMS_ERR_STORE_UNAVAILABLE') {
          throw new Error(`delivery store: ${e.message}`, { cause: e });
        }
        throw e;
      }
    });
}

async function insertBounce(q: Q, b: NonNullable<FailedSend['bounce']>, now: number): Promise<number> {
  const id = await insertMessage(q, b.message, now);
  await insertJobs(q, b.jobs, id, now);
  return id;
}
