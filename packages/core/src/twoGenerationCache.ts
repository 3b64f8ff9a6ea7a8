/**
 * A cache of values that are costly to compute and never change (a pure function's results), bounded by entries and
 * kept by use, at the cost of one `Map` lookup per hit: entries go into a young generation; when it is full, it
 * becomes the old one (the previous old one is dropped), and a hit in the old generation moves the entry back to the
 * young one. What is used at least once per `maxEntries` new entries stays; at most 2 × `maxEntries` are held.
 * Shared ground like `recentCache.ts` (which keeps entries in insertion order, weighted, without promotion).
 */
export class TwoGenerationCache<K, V> {
  readonly #maxEntries: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be a positive integer");
    this.#maxEntries = maxEntries;
  }

  get(key: K): V | undefined {
    const value = this.#young.get(key);
    if (value !== undefined) return value;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.set(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    if (this.#young.size >= this.#maxEntries) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  /** Entries held, both generations. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
