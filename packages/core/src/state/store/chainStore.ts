/**
 * The store as roles see it (reth's `storage-api` habit): a reader for sealed blocks, receipts, the tx index, the
 * mini-block write-ahead log and snapshots, and the durable writes a block producer makes. Roles receive this
 * interface, never the LMDB class; tests can hand them any implementation.
 */
import type { MiniBlock } from "../../chain/miniBlock.ts";
import type { Block, Hash, Receipt } from "../../chain/types.ts";
import type { BlockHeaderRecord, BlockSeal, MiniBlockSeal } from "../records.ts";

export type { BlockHeaderRecord };

export interface ChainStoreReader {
  genesisHash(): Hash | undefined;
  headBlockNumber(): bigint | undefined;
  getBlock(number: bigint): Block | undefined;
  /**
   * A sealed block without its transactions (header, hash, mini-block span): what a block message carries. Reads
   * the header from the record without decoding the transactions, which `getBlock` does (serving a range of 23 blocks
   * of ~2,600 transfers took the sequencer's thread ~1 s that way).
   */
  getBlockHeader(number: bigint): BlockHeaderRecord | undefined;
  getBlockNumberByHash(hash: Hash): bigint | undefined;
  getReceipts(number: bigint): readonly Receipt[] | undefined;
  getTxLocation(hash: Hash): { readonly blockNumber: bigint; readonly index: number } | undefined;
  getMiniBlock(number: bigint): MiniBlock | undefined;
  /** The mini-block's stored record bytes (`encodeMiniBlockRecord`), exactly as logged. */
  getMiniBlockRecord(number: bigint): Uint8Array | undefined;
  /** The sequencer's signatures of a logged mini-block, when it was logged with them. */
  getMiniBlockSeal(number: bigint): MiniBlockSeal | undefined;
  /** The sequencer's seal of a sealed block's message, when it was stored with one. */
  getBlockSeal(number: bigint): BlockSeal | undefined;
  /** Mini-blocks with number ≥ `from`, in order. */
  miniBlocksFrom(from: bigint): Iterable<MiniBlock>;
  /** Number of the newest mini-block in the log, if any. */
  lastMiniBlockNumber(): bigint | undefined;
  /** The newest complete snapshot: the block it was taken after, and its chunks in order. */
  latestSnapshot(): { readonly blockNumber: bigint; readonly chunks: Iterable<Uint8Array> } | undefined;
}

export interface ChainStore extends ChainStoreReader {
  /** Writes genesis (block 0, no receipts) and the chain fingerprint. */
  putGenesis(block: Block): Promise<void>;
  /** Appends a mini-block to the write-ahead log (with its seal, atomically); resolves once it is durable. */
  appendMiniBlock(miniBlock: MiniBlock, options?: AppendMiniBlockOptions): Promise<void>;
  /** Seals a block: block record, receipts, tx index, its seal and the head pointer, atomically. */
  putBlock(block: Block, receipts: readonly Receipt[], seal?: BlockSeal): Promise<void>;
  /** Stores a full state snapshot taken right after block `blockNumber` and marks it the latest. */
  putSnapshot(blockNumber: bigint, chunks: Iterable<Uint8Array>): Promise<void>;
  /**
   * Takes the chain back to sealed block `blockNumber` (a development chain's snapshot revert or reset, a sequencer
   * going back after a passed sequencing window, a replica following it): later blocks, their receipts, seals and tx
   * index entries, the mini-blocks (and seals) after the block's last one and snapshots taken after it are removed,
   * and the head pointer moves back, atomically.
   */
  truncateAfter(blockNumber: bigint): Promise<void>;
  /** Drops write-ahead-log entries below `number`. */
  pruneMiniBlocks(below: bigint): Promise<void>;
  /** Drops write-ahead-log entries from `number` on (a replica refusing a block whose mini-blocks it logged). */
  dropMiniBlocksFrom(from: bigint): Promise<void>;
  close(): Promise<void>;
}

export interface AppendMiniBlockOptions {
  /** `encodeMiniBlockRecord(miniBlock)` when the caller already made it (the bytes it sealed are the bytes logged). */
  readonly record?: Uint8Array;
  /** The sequencer's signatures, kept so the node can serve the signed message again. */
  readonly seal?: MiniBlockSeal;
}
