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

  /**
   * @param write writes one batch in one transaction (it opens the transaction itself) and may return
   *   one result per item, in order.
   * @param maxBatch upper bound per transaction, so one commit never holds the connection for long.
   * @param depth how many batches may be in flight at once (written, or waiting to be durable).
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[] | undefined>,
    private readonly maxBatch = 2000,
    private readonly depth = 2,
  ) {}

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
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
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

/** Split `items` into chunks of at most `size` (bound the bound parameters of one statement). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
