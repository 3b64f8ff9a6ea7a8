/**
 * A mini-block: the unit the sequencer seals every few milliseconds (receipts final for users) and everyone else
 * receives, stores and serves. It belongs to one EVM block; its header fields follow MegaETH's `miniBlocks` payload.
 */
import type { StateDiff } from "./stateDiff.ts";
import type { Hash, Receipt, Transaction } from "./types.ts";

export interface MiniBlock {
  /** Global mini-block height, 0 at genesis. */
  readonly number: bigint;
  /** The EVM block this mini-block belongs to (not yet sealed while the mini-block is fresh). */
  readonly blockNumber: bigint;
  /** That block's timestamp, seconds. */
  readonly blockTimestamp: bigint;
  /** Position within the EVM block, from 0. */
  readonly index: number;
  /** Creation time, Unix microseconds. */
  readonly timestampUs: bigint;
  readonly gasUsed: bigint;
  readonly transactions: readonly Transaction[];
  /** Receipts with block-cumulative `cumulativeGasUsed`, one per transaction. */
  readonly receipts: readonly Receipt[];
  /** Index in the EVM block of this mini-block's first transaction, and the block-wide index of its first log. */
  readonly firstTransactionIndex: number;
  readonly firstLogIndex: number;
  readonly transactionsRoot: Hash;
  readonly receiptsRoot: Hash;
  readonly stateDiff: StateDiff;
  /** Given when `transactions` and `receipts` are decoded only when read (see `MiniBlockDigest`). */
  readonly digest?: MiniBlockDigest;
}

/**
 * What a block takes from a mini-block's transactions and receipts, given beside them when their fields are decoded
 * only when first read (a replica's mini-blocks from range responses): `OpenBlock.add` then reads none of them.
 */
export interface MiniBlockDigest {
  /** Each transaction's raw bytes and each receipt's consensus encoding: the values of the roots' leaves. */
  readonly transactionLeaves: readonly Uint8Array[];
  readonly receiptLeaves: readonly Uint8Array[];
  /** Their empty-path leaf references (`emptyPathLeafReference`), in the same order, when already computed. */
  readonly transactionLeafReferences?: readonly Uint8Array[];
  readonly receiptLeafReferences?: readonly Uint8Array[];
  /** Each receipt's number of logs. */
  readonly logCounts: readonly number[];
  /** The receipts' blooms OR'ed. */
  readonly logsBloom: Uint8Array;
}
