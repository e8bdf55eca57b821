/**
 * A bounded map that forgets the least recently used entry first: for caches whose keys come from
 * what a client sends (usernames, addresses), so that a flood of distinct keys costs at most `max`
 * entries and the entries in use stay. JavaScript's Map keeps insertion order, so a hit is moved to the
 * end (delete + set) and the oldest is the first key.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`an LRU holds at least one entry, not ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The value for `k`, now the most recently used; undefined when absent (or stored as undefined). */
  get(k: K): V | undefined {
    if (!this.map.has(k)) return undefined;
    const v = this.map.get(k) as V;
    this.map.delete(k);
    this.map.set(k, v);
    return v;
  }

  has(k: K): boolean {
    return this.map.has(k);
  }

  /** Store `k` as the most recently used, forgetting the least recently used one when full. */
  set(k: K, v: V): void {
    if (this.map.has(k)) this.map.delete(k);
    else if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    this.map.set(k, v);
  }

  delete(k: K): boolean {
    return this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }
}
