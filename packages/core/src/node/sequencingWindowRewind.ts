/**
 * A sequencer's start after it ignored L1 past a sequencing window (it censored, or was down while its newest
 * blocks went unrecorded): derivation has replaced or will replace its blocks after the newest one recorded by the
 * deadline of the first passed epoch (`chain/sequencingWindow.ts`, `firstPassedEpoch`). Rather than diverge, the
 * sequencer goes back to that block before it starts: the state rolls back through its history, the store drops the
 * later blocks and mini-blocks and takes a snapshot at the kept block (the newest one may have been later), and the
 * batcher forgets the records of the dropped range. The sequencer then catches up with the deposit-only blocks
 * derivation builds there, and BatchInbox records the rebuilt range over the replaced one.
 *
 *   L1 head, batch records (where each range was recorded on L1), the chain's epoch starts since
 *   recordedThrough(head − window) ──firstPassedEpoch──► kept block k ──► rollbackTo(k), truncateAfter(k),
 *   putSnapshot(k), dropAfter(k)
 *
 * Epochs are checked from the blocks recorded no later than one window ago; older ones were decided while the
 * sequencer ran. The user transactions of the dropped blocks and mini-blocks (their senders saw receipts) come back
 * with the kept block, in chain order: the sequencer role admits them to its pool again (`repool.ts`), so those still
 * valid are included in the rebuilt chain. Deposits are not among them: derivation includes them by their own rule.
 */

import { type L1BlockInfo, l1BlockInfoOfBlock } from "../chain/l1BlockInfo.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import {
  type ChainEpoch,
  firstPassedEpoch,
  isForcedBlock,
  isWindowPassed,
  nextEpochNumber,
} from "../chain/sequencingWindow.ts";
import type { Block, Transaction } from "../chain/types.ts";
import type { BatchRecord, BatchRecordStore } from "../da/batchRecord.ts";
import { MachError } from "../errors.ts";
import type { ChainState } from "../state/chainState.ts";
import type { ChainStore, ChainStoreReader } from "../state/store/chainStore.ts";
import type { Logger } from "../telemetry.ts";

/** The kept block is older than the state history the node holds: the sequencer cannot go back there itself. */
export class SequencingWindowRewindError extends MachError {
  override name = "SequencingWindowRewindError";
}

/** Where the chain went back to, and what it left behind. */
export interface SequencingWindowRewind {
  readonly keptBlock: Block;
  /**
   * The user transactions of the dropped blocks, then of the dropped open block's mini-blocks, in chain order:
   * no deposit (type 0x7E, the L1-attributes deposit among them).
   */
  readonly droppedTransactions: readonly Transaction[];
}

/** What `findDerivedChainRewind` reads: the chain as it stands, its batch records and the L1 head. */
export interface DerivedChainCheckParameters {
  readonly store: ChainStoreReader;
  readonly head: Block;
  /** Mini-blocks of the open block (a running sequencer's, or those recovered from the log). */
  readonly openMiniBlocks: readonly MiniBlock[];
  readonly records: BatchRecordStore;
  readonly l1Head: bigint;
  readonly sequencingWindow: number;
  readonly l1StartBlock: bigint;
}

/**
 * The first epoch that passed its window unsequenced and the newest block derivation keeps, when derivation replaces
 * any of this chain's blocks (or its open block); undefined when every decided epoch was started in time. Reads
 * only: the running sequencer's window watch asks it too (`windowWatch.ts`).
 */
export async function findDerivedChainRewind(
  parameters: DerivedChainCheckParameters,
): Promise<{ readonly epoch: bigint; readonly keptBlock: bigint } | undefined> {
  const { store, head, openMiniBlocks, records, l1Head, sequencingWindow, l1StartBlock } = parameters;
  const recorded = recordedThroughNewestFirst(records.newestFirst());
  try {
    const recordedThrough = recorded.through;
    const epochs: ChainEpoch[] = [];
    let newestInfo: L1BlockInfo | undefined;
    const scanFrom = recordedThrough(l1Head - BigInt(sequencingWindow)) + 1n;
    const sealed = (number: bigint): Block => {
      const block = store.getBlock(number);
      if (block === undefined) throw new SequencingWindowRewindError(`store lacks sealed block ${number}`);
      return block;
    };
    let parent = sealed(scanFrom - 1n);
    if (scanFrom > 1n) newestInfo = l1BlockInfoOfBlock(parent);
    // Epochs are decided in order: the first one whose window has not passed ends the check, so the scan stops there.
    let undecided = false;
    const started = (info: L1BlockInfo, firstBlock: bigint, forced: boolean) => {
      if (info.sequenceNumber === 0n) {
        epochs.push({ epoch: info.number, firstBlock, forced });
        undecided = !isWindowPassed(info.number, l1Head, sequencingWindow);
      }
      newestInfo = info;
    };
    for (let number = scanFrom; number <= head.header.number && !undecided; number++) {
      const block = sealed(number);
      const info = l1BlockInfoOfBlock(block);
      started(info, number, isForcedBlock(block, parent, info));
      parent = block;
    }
    const open = openMiniBlocks[0];
    if (open !== undefined && !undecided) started(l1BlockInfoOfBlock(open), head.header.number + 1n, false);
    if (!undecided) epochs.push({ epoch: nextEpochNumber(newestInfo, l1StartBlock), firstBlock: undefined });

    const passed = firstPassedEpoch({ epochs, sequencingWindow, l1Head, recordedThrough });
    if (passed === undefined) return undefined;
    if (passed.keptBlock >= head.header.number && openMiniBlocks.length === 0) return undefined;
    return passed;
  } finally {
    recorded.close();
  }
}

/**
 * `recordedThrough(l1Block)`: the last block of the newest batch recorded on L1 at or before `l1Block` (0 if none).
 * Batches are recorded in block order, so a later record never ends before an earlier one: the first recorded record
 * at or before `l1Block`, newest first, is the answer. Records are read only as far back as a question needs (the
 * window check asks about the last few windows; a node's history can hold many thousands of records).
 */
export function recordedThroughNewestFirst(newestFirst: Iterable<BatchRecord>): {
  readonly through: (l1Block: bigint) => bigint;
  /** Ends the read (an LMDB range left open holds its read transaction). */
  readonly close: () => void;
} {
  const iterator = newestFirst[Symbol.iterator]();
  const read: { readonly lastBlock: bigint; readonly l1Block: bigint }[] = [];
  let exhausted = false;
  const through = (l1Block: bigint): bigint => {
    for (const r of read) if (r.l1Block <= l1Block) return r.lastBlock;
    while (!exhausted) {
      const next = iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const record = next.value;
      const recordedAt = record.status === "recorded" ? record.recording?.l1BlockNumber : undefined;
      if (recordedAt === undefined) continue;
      read.push({ lastBlock: record.lastBlock, l1Block: recordedAt });
      if (recordedAt <= l1Block) return record.lastBlock;
    }
    return 0n;
  };
  return {
    through,
    close: () => {
      if (!exhausted) iterator.return?.();
    },
  };
}

/** The check's parameters, with the store and state to rewind; the open block's mini-blocks are dropped too. */
export interface RewindToDerivedChainParameters extends DerivedChainCheckParameters {
  readonly store: ChainStore;
  readonly state: ChainState;
  readonly logger: Logger;
}

/** The rewind, or undefined when every decided epoch was started in time. */
export async function rewindToDerivedChain(
  parameters: RewindToDerivedChainParameters,
): Promise<SequencingWindowRewind | undefined> {
  const { store, state, head, openMiniBlocks, records, l1Head, logger } = parameters;
  const passed = await findDerivedChainRewind(parameters);
  if (passed === undefined) return undefined;
  const kept = passed.keptBlock;
  const keptBlock = store.getBlock(kept);
  if (keptBlock === undefined) throw new SequencingWindowRewindError(`store lacks sealed block ${kept}`);
  const droppedTransactions: Transaction[] = [];
  const drop = (transactions: readonly Transaction[]) => {
    for (const tx of transactions) if (tx.type !== 0x7e) droppedTransactions.push(tx);
  };
  for (let number = kept + 1n; number <= head.header.number; number++) {
    const block = store.getBlock(number);
    if (block === undefined) throw new SequencingWindowRewindError(`store lacks sealed block ${number}`);
    drop(block.transactions);
  }
  for (const miniBlock of openMiniBlocks) drop(miniBlock.transactions);
  logger.error(
    {
      l1Block: passed.epoch.toString(),
      l1Head: l1Head.toString(),
      keptBlock: kept.toString(),
      droppedBlocks: (head.header.number - kept).toString(),
      droppedTransactions: droppedTransactions.length,
    },
    "an L1 epoch passed its sequencing window unsequenced: going back to the newest block derivation keeps",
  );
  let root: string;
  try {
    root = state.rollbackTo(kept);
  } catch (error) {
    throw new SequencingWindowRewindError(
      `cannot go back to block ${kept}: it is older than the state history this node keeps`,
      { cause: error, details: "raise store.historyBlocks, or rebuild the store from L1 with a derive node" },
    );
  }
  if (root !== keptBlock.header.stateRoot) {
    throw new SequencingWindowRewindError(`rollback to block ${kept} reached state root ${root}`, {
      details: `the block has ${keptBlock.header.stateRoot}`,
    });
  }
  await store.truncateAfter(kept);
  await store.putSnapshot(kept, state.snapshotChunks());
  await records.dropAfter(kept);
  return { keptBlock, droppedTransactions };
}
