/**
 * Group commit for the embedded store.
 *
 * With `synchronous=FULL` every SQLite commit costs an fsync. Send Message must not answer 2xx before
 * its message is on disk, but one fsync per request would cap throughput at the disk's fsync rate.
 * So concurrent requests hand their writes here; everything that arrives while the previous batch is
 * committing goes into the next transaction, and each caller is resolved after *its* commit returned.
 *
 * Contract for a unit of work: it may throw an `SmsError` (an expected refusal, e.g. not enough credit)
 * only before its first write; that caller alone is rejected and the batch goes on. Any other error
 * rolls the whole batch back and rejects every caller in it: nothing is acknowledged that is not on disk.
 */
import type { Kysely, Transaction } from 'kysely';
import { SmsError } from '../errors.js';
import type { DB } from './schema.js';

type Work<T> = (trx: Transaction<DB>) => Promise<T>;
interface Item {
  work: Work<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export class GroupCommit {
  private queue: Item[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 1000,
  ) {}

  /** Run `work` inside the next batch transaction; resolves after that transaction committed. */
  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: await item.work(trx) });
          } catch (error) {
            if (!(error instanceof SmsError)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        else item.reject(o.error);
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
    if (this.queue.length > 0) setImmediate(() => void this.flush());
    else this.running = false;
  }
}
