/**
 * The node's LMDB store: sealed blocks, receipts, the tx index, the mini-block write-ahead log and state snapshots.
 * One LMDB environment, a sub-database per bucket (`buckets.ts`), binary records (`records.ts`); the tx index in an
 * environment of its own inside the store's directory (`txIndex.ts`).
 *
 * Durability: `appendMiniBlock` resolves once LMDB has committed the mini-block, which survives a crash of the
 * process (`kill -9`); with `durability: "flush"` it also waits for the disk flush (power loss), at more latency.
 */
import { join } from "node:path";
import { type Database, open, type RootDatabase } from "lmdb";
import type { MiniBlock } from "../../chain/miniBlock.ts";
import type { Block, Hash, Receipt } from "../../chain/types.ts";
import { RecentCache } from "../../recentCache.ts";
import {
  type BlockSeal,
  decodeBlockRecord,
  decodeBlockRecordHeader,
  decodeBlockSealRecord,
  decodeMiniBlockRecord,
  decodeMiniBlockSealRecord,
  decodeReceiptsRecord,
  decodeTxLocation,
  encodeBlockRecord,
  encodeBlockSealRecord,
  encodeMiniBlockRecord,
  encodeMiniBlockSealRecord,
  encodeReceiptsRecord,
  type MiniBlockSeal,
} from "../records.ts";
import { Bucket, MetaKey } from "./buckets.ts";
import type { AppendMiniBlockOptions, BlockHeaderRecord, ChainStore } from "./chainStore.ts";
import { TxIndex } from "./txIndex.ts";

export type StoreDurability = "commit" | "flush";

export interface LmdbChainStoreOptions {
  /** Directory of the LMDB environment (created if missing). */
  readonly path: string;
  readonly durability?: StoreDurability;
  /**
   * false for a store this thread only reads (a read worker): it leaves the tx index as it finds it. A writer (the
   * default) brings the tx index up to the head when it opens (txIndex.ts).
   */
  readonly writer?: boolean;
}

/** The tx index's own LMDB environment, inside the store's directory. */
const TX_INDEX_DIRECTORY = "tx-index";

type BinaryDb = Database<Uint8Array, number | string>;

/**
 * Decoded sealed blocks and receipts kept in RAM: receipt and log lookups hit recent blocks over and over. At most 256
 * blocks and 16,384 transactions (a decoded transaction with its kept encodings is ~3 KiB, its receipt about as
 * much): under sustained load a 256-block bound alone kept ~1 GiB of decoded blocks at 1,250 tx/s.
 */
const DECODED_CACHE_BLOCKS = 256;
const DECODED_CACHE_TRANSACTIONS = 16_384;

/** Named databases one store environment may hold (the chain's and its neighbours'). */
const MAX_NAMED_DATABASES = 32;
/** Page size of a store LMDB creates (see the constructor). */
export const STORE_PAGE_BYTES = 65_536;

export class LmdbChainStore implements ChainStore {
  readonly #root: RootDatabase;
  readonly #blocks: BinaryDb;
  readonly #blockNumberByHash: Database<number, string>;
  readonly #receipts: BinaryDb;
  /** Where stores written before `txIndex.ts` kept the tx index: still read, and rewound, never written. */
  readonly #legacyTxLocation: BinaryDb;
  readonly #txIndex: TxIndex;
  readonly #miniBlocks: BinaryDb;
  readonly #miniBlockSeals: BinaryDb;
  readonly #blockSeals: BinaryDb;
  readonly #snapshots: Database<Uint8Array, [number, number]>;
  readonly #meta: Database<number | string, string>;
  readonly #durability: StoreDurability;
  readonly #decodedBlocks = new RecentCache<number, Block>(DECODED_CACHE_BLOCKS, DECODED_CACHE_TRANSACTIONS);
  readonly #decodedReceipts = new RecentCache<number, Receipt[]>(DECODED_CACHE_BLOCKS, DECODED_CACHE_TRANSACTIONS);

  constructor(options: LmdbChainStoreOptions) {
    // The chain's buckets plus those other parts keep beside them in the same environment (batch records, witnesses,
    // outputs, proposals, proof records): lmdb's default of 12 named databases is too few.
    // 64 KiB pages (LMDB's default is 4 KiB; an existing store keeps the size it was created with): a mini-block record
    // of tens of KB then takes one overflow page instead of a run of adjacent ones. Once the snapshot schedule has
    // pruned the log, a run must be searched for in a large free list, and appends fell ~12× (4,952 → ~400/s for
    // 40 KB records, half of 30,000 pruned; 3,650/s with 64 KiB pages) until the sequencer fell behind its load.
    // Random-key index writes take about as long with either size (1.8× the bytes written).
    this.#root = open({
      path: options.path,
      compression: false,
      maxDbs: MAX_NAMED_DATABASES,
      pageSize: STORE_PAGE_BYTES,
    });
    const binary = { encoding: "binary" as const };
    this.#blocks = this.#root.openDB<Uint8Array, number>({ name: Bucket.blocks, ...binary });
    this.#blockNumberByHash = this.#root.openDB<number, string>({ name: Bucket.blockNumberByHash });
    this.#receipts = this.#root.openDB<Uint8Array, number>({ name: Bucket.receipts, ...binary });
    this.#legacyTxLocation = this.#root.openDB<Uint8Array, string>({ name: Bucket.txLocation, ...binary });
    this.#miniBlocks = this.#root.openDB<Uint8Array, number>({ name: Bucket.miniBlocks, ...binary });
    this.#miniBlockSeals = this.#root.openDB<Uint8Array, number>({ name: Bucket.miniBlockSeals, ...binary });
    this.#blockSeals = this.#root.openDB<Uint8Array, number>({ name: Bucket.blockSeals, ...binary });
    this.#snapshots = this.#root.openDB<Uint8Array, [number, number]>({ name: Bucket.snapshots, ...binary });
    this.#meta = this.#root.openDB<number | string, string>({ name: Bucket.meta });
    this.#durability = options.durability ?? "commit";
    this.#txIndex = new TxIndex(join(options.path, TX_INDEX_DIRECTORY));
    if (options.writer !== false) this.#bringTxIndexToHead();
  }

  /**
   * At open: blocks past the head leave the index (a crash between a rewind's two commits), and blocks the index
   * missed (a crash before their entries were committed, a deleted index) are indexed again from their records. A store
   * written before the index had its own environment keeps its old entries, read from the old bucket.
   */
  #bringTxIndexToHead(): void {
    const head = this.headBlockNumber();
    if (head === undefined) return;
    const through = this.#txIndex.indexedThrough();
    if (through !== undefined && through > head) void this.#txIndex.removeAfter(head).catch(() => undefined);
    if (through === undefined && this.#legacyTxLocation.getKeysCount({ limit: 1 }) > 0) {
      void this.#txIndex.markIndexedThrough(head).catch(() => undefined);
      return;
    }
    for (let number = (through ?? 0n) + 1n; number <= head; number++) {
      const block = this.getBlock(number);
      if (block === undefined) break;
      void this.#txIndex
        .add(
          number,
          block.transactions.map((tx) => tx.hash),
        )
        .catch(() => undefined);
    }
  }

  /** The raw LMDB environment, for other repositories (e.g. DA batch records) to open their own bucket. */
  get root(): RootDatabase {
    return this.#root;
  }

  genesisHash(): Hash | undefined {
    return this.#meta.get(MetaKey.genesisHash) as Hash | undefined;
  }

  headBlockNumber(): bigint | undefined {
    const head = this.#meta.get(MetaKey.headBlock);
    return head === undefined ? undefined : BigInt(head);
  }

  getBlock(number: bigint): Block | undefined {
    const key = Number(number);
    const cached = this.#decodedBlocks.get(key);
    if (cached) return cached;
    const bytes = this.#blocks.get(key);
    if (!bytes) return undefined;
    const block = decodeBlockRecord(bytes);
    return this.#decodedBlocks.set(key, block, block.transactions.length);
  }

  getBlockHeader(number: bigint): BlockHeaderRecord | undefined {
    const key = Number(number);
    const cached = this.#decodedBlocks.get(key);
    if (cached) {
      const { header, hash, miniBlockCount, miniBlockOffset } = cached;
      return { header, hash, miniBlockCount, miniBlockOffset };
    }
    const bytes = this.#blocks.get(key);
    return bytes ? decodeBlockRecordHeader(bytes) : undefined;
  }

  getBlockNumberByHash(hash: Hash): bigint | undefined {
    const number = this.#blockNumberByHash.get(hash);
    return number === undefined ? undefined : BigInt(number);
  }

  getReceipts(number: bigint): Receipt[] | undefined {
    const key = Number(number);
    const cached = this.#decodedReceipts.get(key);
    if (cached) return cached;
    const bytes = this.#receipts.get(key);
    if (!bytes) return undefined;
    const receipts = decodeReceiptsRecord(bytes);
    return this.#decodedReceipts.set(key, receipts, receipts.length);
  }

  getTxLocation(hash: Hash): { blockNumber: bigint; index: number } | undefined {
    const indexed = this.#txIndex.get(hash);
    if (indexed !== undefined) return indexed;
    const bytes = this.#legacyTxLocation.get(hash);
    return bytes ? decodeTxLocation(bytes) : undefined;
  }

  /** Resolves once the tx index holds every block stored so far (its writes trail the blocks' own commits). */
  txIndexFlushed(): Promise<void> {
    return this.#txIndex.flushed();
  }

  /** Writes genesis (block 0, no receipts) and the chain fingerprint. */
  async putGenesis(block: Block): Promise<void> {
    await this.#root.transaction(() => {
      this.#writeBlock(block, []);
      this.#meta.put(MetaKey.genesisHash, block.hash);
    });
    await this.#durable();
  }

  /** Appends a mini-block (and its seal) to the write-ahead log; resolves once it is durable (see `durability`). */
  async appendMiniBlock(miniBlock: MiniBlock, options: AppendMiniBlockOptions = {}): Promise<void> {
    const key = Number(miniBlock.number);
    const record = options.record ?? encodeMiniBlockRecord(miniBlock);
    const seal = options.seal;
    if (seal === undefined) {
      await this.#miniBlocks.put(key, record);
    } else {
      await this.#root.transaction(() => {
        this.#miniBlocks.put(key, record);
        this.#miniBlockSeals.put(key, encodeMiniBlockSealRecord(seal));
      });
    }
    await this.#durable();
  }

  getMiniBlock(number: bigint): MiniBlock | undefined {
    const bytes = this.#miniBlocks.get(Number(number));
    return bytes ? decodeMiniBlockRecord(bytes) : undefined;
  }

  getMiniBlockRecord(number: bigint): Uint8Array | undefined {
    return this.#miniBlocks.get(Number(number));
  }

  getMiniBlockSeal(number: bigint): MiniBlockSeal | undefined {
    const bytes = this.#miniBlockSeals.get(Number(number));
    return bytes ? decodeMiniBlockSealRecord(bytes) : undefined;
  }

  getBlockSeal(number: bigint): BlockSeal | undefined {
    const bytes = this.#blockSeals.get(Number(number));
    return bytes ? decodeBlockSealRecord(bytes) : undefined;
  }

  /** Mini-blocks with number ≥ `from`, in order. */
  *miniBlocksFrom(from: bigint): Generator<MiniBlock> {
    for (const { value } of this.#miniBlocks.getRange({ start: Number(from) })) {
      yield decodeMiniBlockRecord(value);
    }
  }

  /** Number of the newest mini-block in the log, if any. */
  lastMiniBlockNumber(): bigint | undefined {
    for (const key of this.#miniBlocks.getKeys({ reverse: true, limit: 1 })) return BigInt(key as number);
    return undefined;
  }

  /**
   * Seals a block: block record, receipts, its seal and the head pointer, in one LMDB transaction. Plain puts, not a
   * transaction callback: lmdb-js commits the puts of one event turn in one transaction, and its write thread does the
   * B-tree work, where a callback runs every put on this thread. The block's tx index entries are answered at once and
   * written to the index's own environment after this commit (txIndex.ts); a failed index write fails the next
   * `putBlock`.
   */
  async putBlock(block: Block, receipts: readonly Receipt[], seal?: BlockSeal): Promise<void> {
    this.#txIndex.throwIfFailed();
    const written = [this.#writeBlock(block, receipts)];
    if (seal !== undefined)
      written.push(this.#blockSeals.put(Number(block.header.number), encodeBlockSealRecord(seal)));
    const committed = Promise.all(written);
    const indexed = this.#txIndex.add(
      block.header.number,
      block.transactions.map((tx) => tx.hash),
      committed,
    );
    indexed.catch(() => undefined);
    await committed;
    await this.#durable();
    // The sealed block is read right away (receipts, logs, the batcher): keep the decoded form.
    this.#decodedBlocks.set(Number(block.header.number), block, block.transactions.length);
    this.#decodedReceipts.set(Number(block.header.number), [...receipts], receipts.length);
  }

  /** Writes a block's records (in a transaction callback, or as puts of one event turn); resolves once committed. */
  #writeBlock(block: Block, receipts: readonly Receipt[]): Promise<boolean> {
    const number = Number(block.header.number);
    this.#blocks.put(number, encodeBlockRecord(block));
    this.#blockNumberByHash.put(block.hash, number);
    this.#receipts.put(number, encodeReceiptsRecord(receipts));
    return this.#meta.put(MetaKey.headBlock, number);
  }

  /** Stores a full state snapshot taken right after block `blockNumber` and marks it the latest. */
  async putSnapshot(blockNumber: bigint, chunks: Iterable<Uint8Array>): Promise<void> {
    const number = Number(blockNumber);
    const previous = this.#meta.get(MetaKey.latestSnapshot);
    let index = 0;
    for (const chunk of chunks) {
      this.#snapshots.put([number, index++], chunk);
    }
    await this.#meta.put(MetaKey.latestSnapshot, number);
    if (typeof previous === "number" && previous !== number) {
      await this.#root.transaction(() => {
        for (const key of this.#snapshots.getKeys({ start: [previous, 0], end: [previous + 1, 0] })) {
          this.#snapshots.remove(key);
        }
      });
    }
    await this.#durable();
  }

  /** The newest complete snapshot: the block it was taken after, and its chunks in order. */
  latestSnapshot(): { blockNumber: bigint; chunks: Generator<Uint8Array> } | undefined {
    const number = this.#meta.get(MetaKey.latestSnapshot);
    if (typeof number !== "number") return undefined;
    const snapshots = this.#snapshots;
    return {
      blockNumber: BigInt(number),
      chunks: (function* () {
        for (const { value } of snapshots.getRange({ start: [number, 0], end: [number + 1, 0] })) yield value;
      })(),
    };
  }

  async truncateAfter(blockNumber: bigint): Promise<void> {
    const number = Number(blockNumber);
    const kept = this.getBlock(blockNumber);
    if (kept === undefined) throw new Error(`store: cannot go back to block ${blockNumber}: it is not stored`);
    const firstDroppedMiniBlock = Number(kept.miniBlockOffset + BigInt(kept.miniBlockCount));
    await this.#root.transaction(() => {
      for (const { key, value } of this.#blocks.getRange({ start: number + 1 })) {
        const block = decodeBlockRecord(value);
        for (const tx of block.transactions) this.#legacyTxLocation.remove(tx.hash);
        this.#blockNumberByHash.remove(block.hash);
        this.#blocks.remove(key);
        this.#receipts.remove(key);
        this.#blockSeals.remove(key);
      }
      for (const key of this.#miniBlocks.getKeys({ start: firstDroppedMiniBlock })) this.#miniBlocks.remove(key);
      // Seals too: range requests must not pair a replaced block's seal with the chain that replaced it.
      for (const key of this.#miniBlockSeals.getKeys({ start: firstDroppedMiniBlock }))
        this.#miniBlockSeals.remove(key);
      for (const key of this.#snapshots.getKeys({ start: [number + 1, 0] })) this.#snapshots.remove(key);
      const snapshot = this.#meta.get(MetaKey.latestSnapshot);
      if (typeof snapshot === "number" && snapshot > number) this.#meta.remove(MetaKey.latestSnapshot);
      this.#meta.put(MetaKey.headBlock, number);
    });
    this.#decodedBlocks.dropAbove(number);
    this.#decodedReceipts.dropAbove(number);
    await this.#txIndex.removeAfter(kept.header.number);
    await this.#durable();
  }

  /** Drops write-ahead-log entries below `number` (covered by a snapshot and sealed blocks). */
  async pruneMiniBlocks(below: bigint): Promise<void> {
    await this.#root.transaction(() => {
      for (const key of this.#miniBlocks.getKeys({ end: Number(below) })) this.#miniBlocks.remove(key);
      for (const key of this.#miniBlockSeals.getKeys({ end: Number(below) })) this.#miniBlockSeals.remove(key);
    });
  }

  /** Drops write-ahead-log entries (and their seals) from `from` on. */
  async dropMiniBlocksFrom(from: bigint): Promise<void> {
    await this.#root.transaction(() => {
      for (const key of this.#miniBlocks.getKeys({ start: Number(from) })) this.#miniBlocks.remove(key);
      for (const key of this.#miniBlockSeals.getKeys({ start: Number(from) })) this.#miniBlockSeals.remove(key);
    });
    await this.#durable();
  }

  async #durable(): Promise<void> {
    if (this.#durability === "flush") await this.#root.flushed;
  }

  async close(): Promise<void> {
    // Writes still queued for the index are committed first; a failed one was already reported by `putBlock`.
    await this.#txIndex.close();
    await this.#root.close();
  }
}

export function openLmdbChainStore(options: LmdbChainStoreOptions): LmdbChainStore {
  return new LmdbChainStore(options);
}
