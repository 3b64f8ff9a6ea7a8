/**
 * A trie's leaf keys, packed in one growing byte array (`keyLength` bytes each): a leaf holds its key's offset, not
 * a Uint8Array of its own. With a million leaves, a 32-byte Uint8Array per key costs ~200 bytes of objects and an
 * off-heap allocation each (and the garbage collector's time to trace them); here it costs its 32 bytes.
 * Freed slots are reused.
 */
export class KeyArena {
  readonly #keyLength: number;
  /** The packed keys; replaced when the arena grows (read it after any `add`). */
  bytes: Uint8Array;
  #used = 0;
  readonly #free: number[] = [];

  constructor(keyLength: number, capacity = 4) {
    this.#keyLength = keyLength;
    this.bytes = new Uint8Array(keyLength * capacity);
  }

  /** Copies `key` in; returns its offset. */
  add(key: Uint8Array): number {
    let at = this.#free.pop();
    if (at === undefined) {
      at = this.#used;
      if (at + this.#keyLength > this.bytes.length) {
        const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.#keyLength * 4));
        grown.set(this.bytes.subarray(0, at));
        this.bytes = grown;
      }
      this.#used = at + this.#keyLength;
    }
    this.bytes.set(key, at);
    return at;
  }

  /** The slot at `at` may be reused. */
  release(at: number): void {
    this.#free.push(at);
  }

  /** Empties the arena, sized for `capacity` keys. */
  reset(capacity: number): void {
    this.bytes = new Uint8Array(this.#keyLength * Math.max(capacity, 4));
    this.#used = 0;
    this.#free.length = 0;
  }

  /** The key at `at` equals `key`. */
  equals(at: number, key: Uint8Array): boolean {
    const bytes = this.bytes;
    for (let i = this.#keyLength - 1; i >= 0; i--) if (bytes[at + i] !== key[i]) return false;
    return true;
  }

  /** A copy of the key at `at`. */
  copy(at: number): Uint8Array {
    return this.bytes.slice(at, at + this.#keyLength);
  }
}
