/**
 * "Collect during this event-loop turn, flush later": the one helper for it.
 *
 * Under load many requests are parsed in one turn of the event loop (every socket that became
 * readable is read before `setImmediate` callbacks run). Work they all need (a query, a check, a write)
 * is then done once for the turn instead of once per request: the first request of a turn opens a
 * batch, the others of that turn join it, and the batch is flushed on `setImmediate`, after the turn's
 * I/O callbacks (Node.js docs, "The Node.js Event Loop": the check phase follows the poll phase).
 * Used by the PostgreSQL accepts (store/sql/accept-pg-batch.ts), the PostgreSQL account lookups
 * (store/engine/pg-lookups.ts) and the embedded store's once-per-turn cache check (store/engine/lookup-cache.ts).
 *
 * Not by the group commit's `Batcher` (store/engine/batcher.ts): its batches close when the previous one
 * is durable, not when the turn ends, so a batch there may span many turns.
 *
 * The cost is per batch, not per request: one `setImmediate` and one closure per turn; a caller adds
 * to the batch `current()` returns, with whatever it allocates for itself.
 */
export class PerTurn<B> {
  private batch: B | undefined;

  /**
   * @param open makes an empty batch (the first `current()` of a turn calls it).
   * @param flush receives the batch once its turn is over (or after `close()`, on the same schedule).
   *   Trade-off, as for any write-behind batch: a request waits for the rest of its turn, at most the
   *   I/O callbacks already due (no timer: a lone request is flushed in the same turn's check phase),
   *   and a crash before the flush loses the batch. So `flush` must be where the batch's work is done
   *   and its callers answered: nothing in a batch may be acknowledged before its flush has made it
   *   durable, and then a crash loses only what no caller was told was done.
   */
  constructor(
    private readonly open: () => B,
    private readonly flush: (batch: B) => void,
  ) {}

  /** This turn's batch, opened (and its flush scheduled) by the first call of the turn. */
  current(): B {
    let b = this.batch;
    if (b === undefined) {
      const opened = this.open();
      b = opened;
      this.batch = opened;
      setImmediate(() => {
        if (this.batch === opened) this.batch = undefined;
        this.flush(opened);
      });
    }
    return b;
  }

  /** This turn's batch if one is open, without opening one. */
  peek(): B | undefined {
    return this.batch;
  }

  /**
   * Stop adding to this turn's batch (it is full, or its work already failed): the next `current()`
   * opens another one. The closed batch is still flushed on its own schedule.
   */
  close(): void {
    this.batch = undefined;
  }
}
