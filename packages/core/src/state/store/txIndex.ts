/**
 * The tx index (transaction hash → block number and position) in an LMDB environment of its own, `tx-index/` inside
 * the store's directory, written after each block commits, in small transactions between the node's other work.
 *
 * It used to be written in the block's own transaction: thousands of random-key inserts per block (one per
 * transaction) made that commit slow (the write thread's B-tree work and every dirtied page), and the sequencer's next
 * mini-blocks, whose write-ahead-log commits queue behind it, waited for it. In its own environment the index commits
 * on its own write thread, and the block's commit carries only sequential records.
 *
 * It is derived data: every entry comes from a block record, so it needs no flush of its own. A block's entries are
 * answered from memory from the moment it is added until they are committed; `indexedThrough` (written with a block's
 * last entries) says how far the committed index reaches, and the store brings it up to its head when it opens (blocks
 * the index missed are indexed again; blocks past the head, which a crash during a rewind can leave, are removed).
 * Each block's hashes are kept beside its entries, so removing a block needs nothing from the chain store.
 */
import { type Database, open, type RootDatabase } from "lmdb";
import { hexToBytes } from "../../chain/bytes.ts";
import type { Hash } from "../../chain/types.ts";
import { decodeTxLocation, txLocationEncoder } from "../records.ts";

/** Where a transaction sits. */
export interface TxIndexLocation {
  readonly blockNumber: bigint;
  readonly index: number;
}

/**
 * Entries per write transaction: each chunk is put in its own event-loop turn (so its own LMDB transaction), so the
 * node's thread is never held for a whole block's entries (~2 µs each).
 */
export const TX_INDEX_CHUNK = 512;

const HASH_BYTES = 32;
const INDEXED_THROUGH = "indexed-through";

/** A block whose entries are not committed yet: answered from here until they are. */
interface PendingBlock {
  readonly blockNumber: bigint;
  readonly indexes: ReadonlyMap<Hash, number>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TxIndex {
  readonly #env: RootDatabase;
  /** 32-byte hash → [block number, index] (records.ts' `encodeTxLocation`). */
  readonly #locations: Database<Uint8Array, Uint8Array>;
  /** block number → its transactions' hashes, 32 bytes each, in order. */
  readonly #blocks: Database<Uint8Array, number>;
  readonly #meta: Database<number, string>;
  /** Blocks added and not committed yet, oldest first. */
  #pending: PendingBlock[] = [];
  /** The queued writes, in order. */
  #writing: Promise<void> = Promise.resolve();
  /** The first write that failed: every later `add` and `flushed` throws it (a store that cannot write stops). */
  #failure: unknown;

  constructor(path: string) {
    // LMDB's default 4 KiB pages: random-key inserts dirty one page each.
    this.#env = open({ path, compression: false, maxDbs: 4 });
    this.#locations = this.#env.openDB<Uint8Array, Uint8Array>({
      name: "locations",
      encoding: "binary",
      keyEncoding: "binary",
    });
    this.#blocks = this.#env.openDB<Uint8Array, number>({ name: "blocks", encoding: "binary" });
    this.#meta = this.#env.openDB<number, string>({ name: "meta" });
  }

  /** The newest block whose entries are committed; undefined for an index that was never written. */
  indexedThrough(): bigint | undefined {
    const through = this.#meta.get(INDEXED_THROUGH);
    return through === undefined ? undefined : BigInt(through);
  }

  get(hash: Hash): TxIndexLocation | undefined {
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const { blockNumber, indexes } = this.#pending[i] as PendingBlock;
      const index = indexes.get(hash);
      if (index !== undefined) return { blockNumber, index };
    }
    const bytes = this.#locations.get(hexToBytes(hash));
    return bytes ? decodeTxLocation(bytes) : undefined;
  }

  /**
   * Adds block `blockNumber`'s transactions (their hashes in block order): answered by `get` at once, written once
   * `after` (the block's own commit) has resolved and everything queued before is written. Resolves once committed.
   */
  add(blockNumber: bigint, hashes: readonly Hash[], after: Promise<unknown> = Promise.resolve()): Promise<void> {
    this.throwIfFailed();
    const pending: PendingBlock = { blockNumber, indexes: new Map(hashes.map((hash, index) => [hash, index])) };
    this.#pending.push(pending);
    return this.#queue(async () => {
      try {
        await after;
        await this.#write(blockNumber, hashes);
      } finally {
        this.#pending = this.#pending.filter((entry) => entry !== pending);
      }
    });
  }

  /**
   * Removes every block after `keptBlock` (a rewind): not answered from then on, and removed from the committed index
   * after what is queued. Resolves once committed.
   */
  removeAfter(keptBlock: bigint): Promise<void> {
    this.#pending = this.#pending.filter((entry) => entry.blockNumber <= keptBlock);
    return this.#queue(() => this.#removeAfter(keptBlock));
  }

  /** Throws the first write that failed, if any. */
  throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /**
   * Records that the index reaches block `blockNumber` without entries of its own: a store written before the index
   * had its own environment keeps the entries up to there in its old bucket (`LmdbChainStore` still reads them).
   */
  markIndexedThrough(blockNumber: bigint): Promise<void> {
    return this.#queue(async () => {
      await this.#meta.put(INDEXED_THROUGH, Number(blockNumber));
    });
  }

  /** Resolves once everything queued so far is committed; rejects with the first failed write. */
  async flushed(): Promise<void> {
    await this.#writing;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async close(): Promise<void> {
    await this.#writing;
    await this.#env.close();
  }

  #queue(write: () => Promise<void>): Promise<void> {
    const run = this.#writing.then(async () => {
      if (this.#failure !== undefined) throw this.#failure;
      try {
        await write();
      } catch (error) {
        this.#failure ??= error;
        throw error;
      }
    });
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(blockNumber: bigint, hashes: readonly Hash[]): Promise<void> {
    const location = txLocationEncoder(blockNumber);
    const packed = new Uint8Array(hashes.length * HASH_BYTES);
    const committed: Promise<boolean>[] = [];
    for (let start = 0; start < hashes.length; start += TX_INDEX_CHUNK) {
      if (start > 0) await nextTurn();
      const end = Math.min(start + TX_INDEX_CHUNK, hashes.length);
      let last: Promise<boolean> | undefined;
      for (let i = start; i < end; i++) {
        const key = hexToBytes(hashes[i] as Hash);
        packed.set(key, i * HASH_BYTES);
        last = this.#locations.put(key, location(i));
      }
      if (last !== undefined) committed.push(last);
    }
    // With the last chunk: the block's hashes and the marker commit with its final entries.
    this.#blocks.put(Number(blockNumber), packed);
    committed.push(this.#meta.put(INDEXED_THROUGH, Number(blockNumber)));
    await Promise.all(committed);
  }

  async #removeAfter(keptBlock: bigint): Promise<void> {
    const dropped = [...this.#blocks.getRange({ start: Number(keptBlock) + 1 })].map(({ key, value }) => ({
      key,
      value: new Uint8Array(value),
    }));
    await this.#env.transaction(() => {
      for (const { key, value } of dropped) {
        for (let offset = 0; offset < value.length; offset += HASH_BYTES) {
          this.#locations.remove(value.subarray(offset, offset + HASH_BYTES));
        }
        this.#blocks.remove(key);
      }
      const through = this.#meta.get(INDEXED_THROUGH);
      if (through !== undefined && through > Number(keptBlock)) this.#meta.put(INDEXED_THROUGH, Number(keptBlock));
    });
  }
}
