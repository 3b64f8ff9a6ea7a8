/**
 * What the sequencer produces. Mini-blocks carry receipts (final for users) and the state diff; an EVM block
 * closes a run of mini-blocks with a real header (state root, tx/receipt roots, bloom, base fee).
 */
import type { Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import type { StateDiff } from "../state/types.ts";

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
}

/** Events a running sequencer emits, in order. RPC subscriptions, the batcher and p2p consume them. */
export interface SequencerEvents {
  miniBlock: (miniBlock: MiniBlock) => void;
  block: (block: Block, receipts: readonly Receipt[]) => void;
  /** The sequencer stopped for good (e.g. the store failed): the node should exit and be restarted. */
  fatal: (error: Error) => void;
}
