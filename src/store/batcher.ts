/**
 * Write batching for the delivery path, the same idea as `group-commit.ts` but for bulk statements.
 *
 * At 10,000 messages a second one transaction (one fsync on SQLite with `synchronous=FULL`) per status
 * update is impossible, and even one statement per message costs more CPU than the send itself. So
 * callers `add()` an item; everything that arrives while the previous batch is being written goes into
 * the next one, and `write(items)` turns the whole batch into a few set-based statements inside one
 * transaction. Every caller is resolved after *its* commit; if the transaction fails, every caller in
 * it is rejected, so nothing is reported written that is not on disk.
 */
export class Batcher<T, R = void> {
  private queue: Array<{ item: T; resolve(r: R): void; reject(e: unknown): void }> = [];
  private running = false;

  /**
   * @param write writes one batch in one transaction (it opens the transaction itself) and may return
   *   one result per item, in order.
   * @param maxBatch upper bound per transaction, so one commit never holds the connection for long.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[] | undefined>,
    private readonly maxBatch = 2000,
  ) {}

  /** Queue `item`; resolves once the transaction that wrote it has committed. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const results = await this.write(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve((results ? results[i] : undefined) as R);
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
    if (this.queue.length > 0) setImmediate(() => void this.flush());
    else this.running = false;
  }
}

/** Split `items` into chunks of at most `size` (bound the bound parameters of one statement). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
