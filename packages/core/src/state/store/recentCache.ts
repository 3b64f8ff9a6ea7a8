/**
 * A small insertion-ordered cache of decoded records, bounded twice: by entries and by their summed weight (a block's
 * transactions), so a chain of large blocks keeps as many transactions decoded as one of small blocks, not as many
 * blocks. Sealed blocks never change, so entries never go stale; the oldest leaves first.
 */
export class RecentCache<V> {
  readonly #entries = new Map<number, { readonly value: V; readonly weight: number }>();
  readonly #maxEntries: number;
  readonly #maxWeight: number;
  #weight = 0;

  constructor(maxEntries: number, maxWeight = Number.POSITIVE_INFINITY) {
    this.#maxEntries = maxEntries;
    this.#maxWeight = maxWeight;
  }

  get(key: number): V | undefined {
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
  dropAbove(key: number): void {
    for (const [cached, entry] of [...this.#entries]) {
      if (cached <= key) continue;
      this.#entries.delete(cached);
      this.#weight -= entry.weight;
    }
  }

  /** Keeps `value` (weight at least 1), then forgets the oldest until both bounds hold; the newest always stays. */
  set(key: number, value: V, weight = 1): V {
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#weight -= previous.weight;
    }
    const w = Math.max(1, weight);
    this.#entries.set(key, { value, weight: w });
    this.#weight += w;
    while (this.#entries.size > 1 && (this.#entries.size > this.#maxEntries || this.#weight > this.#maxWeight)) {
      const [oldest, entry] = this.#entries.entries().next().value as [number, { weight: number }];
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
    return value;
  }
}
