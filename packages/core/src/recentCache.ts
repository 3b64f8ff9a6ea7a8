/**
 * A small insertion-ordered cache, bounded twice: by entries and by their summed weight. The store keeps decoded
 * records in it weighted by their transactions (a chain of large blocks keeps as many transactions decoded as one of
 * small blocks, not as many blocks), p2p the frames it sent weighted by their bytes (`p2p/frameCache.ts`). What it
 * holds never changes, so entries never go stale; the oldest leaves first. Shared ground like `threadName.ts`.
 */
export class RecentCache<K, V> {
  readonly #entries = new Map<K, { readonly value: V; readonly weight: number }>();
  readonly #maxEntries: number;
  readonly #maxWeight: number;
  #weight = 0;

  constructor(maxEntries: number, maxWeight = Number.POSITIVE_INFINITY) {
    this.#maxEntries = maxEntries;
    this.#maxWeight = maxWeight;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Entries held, and their summed weight. */
  get size(): number {
    return this.#entries.size;
  }
  get weight(): number {
    return this.#weight;
  }

  /** Forgets the entries with a key above `key` (a development chain went back). */
  dropAbove(this: RecentCache<number, V>, key: number): void {
    for (const [cached, entry] of [...this.#entries]) {
      if (cached <= key) continue;
      this.#entries.delete(cached);
      this.#weight -= entry.weight;
    }
  }

  /** Keeps `value` (weight at least 1), then forgets the oldest until both bounds hold; the newest always stays. */
  set(key: K, value: V, weight = 1): V {
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#weight -= previous.weight;
    }
    const w = Math.max(1, weight);
    this.#entries.set(key, { value, weight: w });
    this.#weight += w;
    while (this.#entries.size > 1 && (this.#entries.size > this.#maxEntries || this.#weight > this.#maxWeight)) {
      const [oldest, entry] = this.#entries.entries().next().value as [K, { weight: number }];
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
    return value;
  }
}
