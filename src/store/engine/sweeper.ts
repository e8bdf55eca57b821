/**
 * Deletes finished rows later and in bulk: the delivery path's `sent` jobs (`store/adapters/delivery.ts`).
 *
 * A deliver job whose message is durably `sent` has nothing left to do: run again, it loads no queued
 * message and ends (`selectQueued`). So its row need not leave in the outcome's commit, which holds an
 * SMPP window slot until it is durable (the crash bound, docs/delivery.md): deleting it there rewrote
 * three more B-tree pages (the jobs table and its two indexes) in every commit of a few outcomes. Here
 * ids are collected and deleted in one transaction once `size` are waiting or `lingerMs` after the
 * first, so a commit of ~100 consecutive jobs touches about the same pages that one did.
 *
 * A crash loses at most the ids not yet swept: their rows stay leased to the dead worker until the
 * lease ends, are then claimed, find their message sent and are deleted like any finished job.
 */
export class Sweeper {
  private pending: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();

  /**
   * @param remove deletes these ids in one transaction.
   * @param onError where a failed sweep is reported (its rows stay until claimed again, see above).
   */
  constructor(
    private readonly remove: (ids: number[]) => Promise<void>,
    private readonly onError: (e: unknown) => void,
    private readonly size = 200,
    private readonly lingerMs = 10,
  ) {}

  /** Queue `id` for deletion; nobody waits for it. */
  add(id: number): void {
    this.pending.push(id);
    if (this.pending.length >= this.size) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.lingerMs);
      this.timer.unref();
    }
  }

  /** Delete everything queued so far now; resolves once every sweep started until now has ended. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all(this.running);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const ids = this.pending;
    this.pending = [];
    const p: Promise<void> = this.remove(ids)
      .catch(this.onError)
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
}
