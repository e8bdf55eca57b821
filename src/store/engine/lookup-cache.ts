/**
 * The embedded store's lookup cache: accounts by username and by number, and whether an account has
 * push devices, kept in memory between requests.
 *
 * Send Message asked SQLite three questions per request (the sender, the recipient, the recipient's
 * devices) at 4-7 µs each on this machine, about a third of a send's SQLite time and as much as the
 * insert and the commit together. The answers change rarely (an account edited from the CLI, a device
 * reporting its first token), so they are remembered, and the cache is dropped whole when any of them
 * may have changed:
 *
 * - SQLite triggers raise `lookup_generation.value` on every such change, whoever makes it: this
 *   process, the CLI, another process on the same file (migration 0007).
 * - The first lookup of each event-loop turn reads that value (one indexed read per turn, not per
 *   request); if it moved, everything cached is forgotten before the lookup runs. A change committed
 *   before a request's turn is therefore seen by that request: a password changed with
 *   `textbridge account passwd` ends cached logins at once, as before.
 * - A miss reads the generation before the rows, so a row is never cached under an older generation
 *   than its own.
 *
 * What is cached is what the lookups return; credit (`creditMicros`) in a cached account may be old,
 * which is why every charge is checked by the write itself (store/sql/accounts.ts `chargeCredit`).
 * Unknown names and numbers are remembered too (an off-net number is looked up on every send to it).
 * Each map is bounded and cleared when full. PostgreSQL does not use this: several instances share
 * that database, and its lookups are batched per turn instead (store/engine/pg-lookups.ts).
 */
import type { Account, AccountLookup } from '../../app/ports.js';
import { findAccountByNumber, findAccountByUsername, type Q } from '../sql/accounts.js';
import { hasPushTokens } from '../sql/push-tokens.js';
import { PerTurn } from './per-turn.js';
import { prepare } from './prepared.js';

export interface CachedLookups extends AccountLookup {
  hasDevices(accountId: number): Promise<boolean>;
}

const generation = prepare<void, { value: number }>(
  (q) => q.selectFrom('lookup_generation').select('value').where('id', '=', 1),
  () => [1],
);

/** This turn's check of the generation; `done` once it completed (a hit then waits for nothing). */
interface TurnCheck {
  done: boolean;
  promise: Promise<void>;
}

/** Bounded map: cleared when full (the working set of a provider's active accounts is small). */
class Memo<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  set(k: K, v: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(k, v);
  }
  clear(): void {
    this.map.clear();
  }
}

export function makeCachedLookups(q: Q, maxEntries = 20_000): CachedLookups {
  const byUsername = new Memo<string, Account | undefined>(maxEntries);
  const byNumber = new Memo<string, Account | undefined>(maxEntries);
  const devices = new Memo<number, boolean>(maxEntries);
  let known: number | undefined;

  const check = async (): Promise<void> => {
    const row = (await generation.run(q, undefined)).rows[0];
    const value = Number(row?.value ?? 0);
    if (value !== known) {
      byUsername.clear();
      byNumber.clear();
      devices.clear();
      known = value;
    }
  };
  /**
   * Once per event-loop turn (store/engine/per-turn.ts): is the cache still current? The turn's check is
   * forgotten when the turn ends, and at once when it fails (the next lookup checks again).
   */
  const turn = new PerTurn<TurnCheck>(
    () => {
      const c: TurnCheck = { done: false, promise: check() };
      c.promise.then(
        () => {
          c.done = true;
        },
        () => {
          if (turn.peek() === c) turn.close();
        },
      );
      return c;
    },
    () => {},
  );

  /**
   * A lookup through `memo` (which remembers misses too: `has` tells them from what was never asked).
   * Once this turn's check is done, a hit returns an already resolved promise: no async function and no
   * await of our own on every send's three lookups.
   */
  const cached = <K, V>(memo: Memo<K, V>, load: (k: K) => Promise<V>) => {
    const slow = async (k: K): Promise<V> => {
      await turn.current().promise;
      if (memo.has(k)) return memo.get(k) as V;
      const v = await load(k);
      memo.set(k, v);
      return v;
    };
    return (k: K): Promise<V> =>
      turn.peek()?.done && memo.has(k) ? Promise.resolve(memo.get(k) as V) : slow(k);
  };

  return {
    byUsername: cached(byUsername, (u: string) => findAccountByUsername(q, u)),
    byNumber: cached(byNumber, (n: string) => findAccountByNumber(q, n)),
    hasDevices: cached(devices, (id: number) => hasPushTokens(q, id)),
  };
}
