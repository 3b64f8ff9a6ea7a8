/**
 * Shared memory for the branch encodings of large tries. A branch's `enc` is then a view into a chunk of a
 * SharedArrayBuffer that the hashing workers also map, so a batch job can point at the encoding where it lives
 * (no copy into the staging area) and a worker can write a child's digest straight into its parent's encoding.
 *
 * Chunks (`CHUNK_BYTES` each) come from one pool per thread (`encChunks`); workers learn of new ones through the
 * pool's listener. A trie's `EncArena` sub-allocates its chunks by size class (an encoding of a branch with h hashed
 * children is 20 + 32 h bytes) and reuses freed slots; when the trie is garbage-collected its chunks go back to the
 * pool. Small tries keep a plain Uint8Array per branch: a chunk per storage trie would cost more than it saves.
 */

export const CHUNK_BYTES = 1 << 20;
/** Size classes: class c holds encodings of up to 20 + 32 c bytes (a branch's encoding is at most 532). */
const CLASSES = 17;

export function sizeClassOf(length: number): number {
  return length <= 20 ? 0 : Math.ceil((length - 20) / 32);
}

export function classBytes(sizeClass: number): number {
  return 20 + 32 * sizeClass;
}

/** Every chunk handed out by this thread's tries, by id; registered with each hashing worker. */
export class ChunkPool {
  readonly chunks: Uint8Array[] = [];
  readonly #free: number[] = [];
  readonly #listeners: ((id: number, buffer: SharedArrayBuffer) => void)[] = [];

  /** A chunk for a trie's arena (a returned one when there is one). */
  take(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const buffer = new SharedArrayBuffer(CHUNK_BYTES);
    const id = this.chunks.length;
    this.chunks.push(new Uint8Array(buffer));
    for (const listener of this.#listeners) listener(id, buffer);
    return id;
  }

  give(id: number): void {
    this.#free.push(id);
  }

  /** Calls `listener` for every chunk, existing and future (a hashing worker maps them). */
  subscribe(listener: (id: number, buffer: SharedArrayBuffer) => void): void {
    this.#listeners.push(listener);
    for (const [id, view] of this.chunks.entries()) listener(id, view.buffer as SharedArrayBuffer);
  }
}

export const encChunks = new ChunkPool();

// A trie's chunks go back to the pool when the trie is collected (held value: its chunk ids, not the trie).
const released = new FinalizationRegistry<number[]>((ids) => {
  for (const id of ids) encChunks.give(id);
});

/** One trie's branch encodings, in chunks of the pool. */
export class EncArena {
  /** The chunk of the view `alloc` last returned. */
  lastChunk = -1;
  readonly #chunkIds: number[] = [];
  /** Free slots per size class, as chunk id × CHUNK_BYTES + offset. */
  readonly #free: number[][] = Array.from({ length: CLASSES }, () => []);
  #current = -1;
  #used = CHUNK_BYTES;

  constructor(owner: object) {
    released.register(owner, this.#chunkIds);
  }

  /** A view of `classBytes(sizeClassOf(length))` bytes; its chunk id is in `lastChunk`. */
  alloc(length: number): Uint8Array {
    const sizeClass = sizeClassOf(length);
    const size = classBytes(sizeClass);
    const slot = this.#free[sizeClass]!.pop();
    if (slot !== undefined) {
      const chunk = Math.floor(slot / CHUNK_BYTES);
      this.lastChunk = chunk;
      const offset = slot - chunk * CHUNK_BYTES;
      return encChunks.chunks[chunk]!.subarray(offset, offset + size);
    }
    if (this.#used + size > CHUNK_BYTES) {
      this.#current = encChunks.take();
      this.#chunkIds.push(this.#current);
      this.#used = 0;
    }
    const offset = this.#used;
    this.#used += size;
    this.lastChunk = this.#current;
    return encChunks.chunks[this.#current]!.subarray(offset, offset + size);
  }

  /** Gives every chunk back to the pool (the trie dropped all its branches). */
  releaseAll(): void {
    for (const id of this.#chunkIds) encChunks.give(id);
    this.#chunkIds.length = 0;
    for (const list of this.#free) list.length = 0;
    this.#current = -1;
    this.#used = CHUNK_BYTES;
  }

  /** Returns `view` (from `alloc`, in chunk `chunk`) for reuse. */
  free(view: Uint8Array, chunk: number): void {
    this.#free[sizeClassOf(view.length)]!.push(chunk * CHUNK_BYTES + view.byteOffset);
  }
}
