/**
 * Write batching, the engine under group commit (`store/engine/group-commit.ts`) and the delivery path's bulk writes.
 *
 * At 10,000 messages a second one transaction (one fsync) per write is impossible, and even one
 * statement per message costs more CPU than the send itself. So callers `add()` an item; everything
 * that arrives while earlier batches are being written goes into the next one, and `write(items)` turns
 * the whole batch into as few statements as it can inside one transaction. Every caller is resolved
 * after *its* transaction is durable; if the transaction fails, every caller in it is rejected, so
 * nothing is reported written that is not on disk.
 *
 * Pipelining: on SQLite a transaction's statements and COMMIT run at once (better-sqlite3 is
 * synchronous), then the caller waits ~300 µs for the fdatasync that makes it durable
 * (`store/engine/sqlite-durable.ts`) while the connection is already free. Two batches may be in flight, so the next
 * one is written while the previous one's fdatasync runs, instead of the process idling behind it.
 */
export class Batcher<T, R = void> {
  private queue: Array<{ item: T; resolve(r: R): void; reject(e: unknown): void }> = [];
  private inFlight = 0;
  private scheduled = false;
  /** When the last flush started (performance.now()), for `gapMs`. */
  private lastFlush = Number.NEGATIVE_INFINITY;
  private readonly maxBatch: number;
  private readonly depth: number;
  private readonly gapMs: number;

  /**
   * @param write writes one batch in one transaction (it opens the transaction itself) and may return
   *   one result per item, in order.
   * @param opts.maxBatch upper bound per transaction, so one commit never holds the connection for long.
   * @param opts.depth how many batches may be in flight at once (written, or waiting to be durable).
   * @param opts.gapMs the least time between the starts of two batches: a batch due sooner waits for
   *   the rest of the gap and takes whatever arrives meanwhile. 0 (the default): a batch starts on the
   *   next turn of the event loop. Worth it where a batch's fixed cost is large against its items' and
   *   a few ms more for each item do not matter (delivery outcomes: store/adapters/delivery.ts).
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[] | undefined>,
    opts: { maxBatch?: number; depth?: number; gapMs?: number } = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 2000;
    this.depth = opts.depth ?? 2;
    this.gapMs = opts.gapMs ?? 0;
  }

  /** Queue `item`; resolves once the transaction that wrote it has committed. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.depth || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = this.lastFlush + this.gapMs - performance.now();
    const run = () => {
      this.scheduled = false;
      void this.flush();
    };
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.lastFlush = performance.now();
    this.inFlight++;
    try {
      const results = await this.write(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve((results ? results[i] : undefined) as R);
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.inFlight--;
    }
    this.schedule();
  }
}

/**
 * Split `items` into chunks for batch statements: at most `size` items each (bound the bound
 * parameters of one statement), and every chunk's length a power of two: as many of the largest power
 * of two not above `size` as fit, then the rest by its binary digits (37 with a size of 64: 32, 4, 1).
 *
 * A batch statement (`id in (?, ?, …)`, a multi-row insert) has one SQL text per row count, and each
 * text is prepared and kept (store/engine/db.ts, SQLite; named statements on PostgreSQL). With every
 * count from 1 to a few hundred, an SMPP drain prepared about 650 texts, re-prepared them as the cache
 * turned over, and held about 20 MB of compiled statements (measured: 650 multi-row inserts of 1-130
 * rows). Powers of two keep it to a handful per statement, for one or two more statements per batch.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const max = powerOfTwoAtMost(size);
  const out: T[][] = [];
  let i = 0;
  for (; items.length - i >= max; i += max) out.push(items.slice(i, i + max));
  for (let part = max / 2; part >= 1; part /= 2) {
    if (items.length - i >= part) {
      out.push(items.slice(i, i + part));
      i += part;
    }
  }
  return out;
}

/**
 * Split `ids` for a statement that only matches them (`… where id in (…)`: a read, a delete): at most
 * `size` each, every part padded to a power of two by repeating its last id. A repeat in an IN list
 * matches no row twice, so the statement does the same, and a batch of any size is one statement of
 * one of a few shapes instead of the several of `chunks` (an SMPP drain loaded its messages in four
 * statements a claim). Not for inserts, where a repeat is another row, nor for `case id when …`
 * updates, whose every row would then test the padding's pairs too.
 */
export function inLists<T>(ids: readonly T[], size: number): T[][] {
  const max = powerOfTwoAtMost(size);
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += max) {
    const part = ids.slice(i, i + max);
    let n = 1;
    while (n < part.length) n *= 2;
    const last = part[part.length - 1] as T;
    while (part.length < n) part.push(last);
    out.push(part);
  }
  return out;
}

/** The largest power of two not above `size` (1 for any size below 2). */
function powerOfTwoAtMost(size: number): number {
  let p = 1;
  while (p * 2 <= size) p *= 2;
  return p;
}
