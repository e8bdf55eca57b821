/**
 * Group commit for the embedded store.
 *
 * Every SQLite commit costs an fsync (store/engine/sqlite-durable.ts). Send Message must not answer 2xx before its
 * message is on disk, but one fsync per request would cap throughput at the disk's fsync rate. So
 * concurrent requests hand their writes here; everything that arrives while earlier batches are being
 * written goes into the next transaction (a `Batcher`, one batch in flight), and each caller is
 * resolved after *its* transaction is durable.
 *
 * Two kinds of unit share each transaction:
 * - `run(work)`: a function of the transaction, run in arrival order.
 * - a lane (`lane(write)`): items of one kind that `write` stores together, once per batch, after the
 *   works; Send Message's accepts are one (store/sql/accept-sqlite.ts: a multi-row insert instead of one
 *   statement, and one trip through Kysely, per message).
 *
 * Contract: a unit may fail alone only with an `SmsError` (an expected refusal, e.g. not enough credit),
 * and only before it wrote anything: a work by throwing it before its first write, a lane's `write` by
 * returning it as that item's outcome. Any other error rolls the whole batch back and rejects every
 * caller in it: nothing is acknowledged that is not on disk.
 */
import { performance } from 'node:perf_hooks';
import type { Kysely, Transaction } from 'kysely';
import { SmsError } from '../../errors.js';
import type { DB } from '../sql/schema.js';
import { Batcher } from './batcher.js';

type Work<T> = (trx: Transaction<DB>) => Promise<T>;
export type Outcome<T = unknown> = { ok: true; value: T } | { ok: false; error: unknown };
/** Writes one batch's items of a lane; one outcome per item, in order (a refusal is `ok: false`). */
export type LaneWrite<I, R> = (trx: Transaction<DB>, items: I[]) => Promise<Array<Outcome<R>>>;

/** Told after each durable batch: its size in units and its duration in seconds. */
export type CommitObserver = (units: number, seconds: number) => void;

type Unit = { work: Work<unknown>; lane?: undefined } | { lane: number; item: unknown };

export class GroupCommit {
  private readonly batcher: Batcher<Unit, Outcome>;
  private readonly lanes: Array<LaneWrite<unknown, unknown>> = [];

  /**
   * @param onCommit told after each batch is durable: how many units it carried and how long its
   *   transaction took, from its start to durable, in seconds (the metrics; absent: not measured).
   */
  constructor(db: Kysely<DB>, maxBatch = 1000, onCommit?: CommitObserver) {
    const commit = (units: Unit[]) => db.transaction().execute((trx) => this.write(trx, units));
    this.batcher = new Batcher(
      onCommit
        ? async (units) => {
            const t0 = performance.now();
            const out = await commit(units);
            onCommit(units.length, (performance.now() - t0) / 1000);
            return out;
          }
        : commit,
      {
        maxBatch,
        // One batch at a time: the next one is written once this one is durable. It then carries every
        // send that arrived meanwhile, so fewer commits rewrite the same hot pages: 15-20 % fewer bytes
        // to disk and less CPU than two in flight, for the same or more sends a second (bench, 2026-11-24).
        depth: 1,
      },
    );
  }

  /** Run `work` inside the next batch transaction; resolves after that transaction is durable. */
  async run<T>(work: Work<T>): Promise<T> {
    return settle(await this.batcher.add({ work: work as Work<unknown> })) as T;
  }

  /**
   * A lane: the returned function queues an item for the next batch transaction, where `write` stores
   * it with the batch's other items; it resolves with the item's result after that transaction is durable.
   */
  lane<I, R>(write: LaneWrite<I, R>): (item: I) => Promise<R> {
    const lane = this.lanes.push(write as LaneWrite<unknown, unknown>) - 1;
    return async (item) => settle(await this.batcher.add({ lane, item })) as R;
  }

  private async write(trx: Transaction<DB>, units: Unit[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(units.length);
    let laned: number[][] | undefined;
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!;
      if (u.lane !== undefined) {
        laned ??= this.lanes.map(() => []);
        laned[u.lane]!.push(i);
        continue;
      }
      try {
        outcomes[i] = { ok: true, value: await u.work(trx) };
      } catch (error) {
        // A store fault (store/engine/faults.ts) is an SmsError too, but it ends the whole batch: SQLite
        // may already have rolled the transaction back.
        if (!(error instanceof SmsError) || error.code === 'SMS_ERR_STORE_UNAVAILABLE') throw error;
        outcomes[i] = { ok: false, error };
      }
    }
    if (laned) {
      for (const [lane, at] of laned.entries()) {
        if (at.length === 0) continue;
        const items = at.map((i) => (units[i] as { item: unknown }).item);
        const results = await this.lanes[lane]!(trx, items);
        if (results.length !== at.length) throw new Error('group commit: a lane returned the wrong count');
        for (const [j, i] of at.entries()) outcomes[i] = results[j]!;
      }
    }
    return outcomes;
  }
}

function settle(o: Outcome): unknown {
  if (!o.ok) throw o.error;
  return o.value;
}
