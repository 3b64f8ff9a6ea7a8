/**
 * Force inclusion: the sequencing window (OP's `seq_window_size`; op-node `rollup/derive/batch_queue.go` makes empty
 * batches once an epoch's window has passed), in Mach's terms, shared by derivation and the sequencer.
 *
 * Rule. L1 epoch E (L1 block E, its `SystemConfig` values and deposits) is due in the L2 block that starts it. That
 * block must be recorded on L1, in a batch derivation accepts, no later than L1 block E + window (`windowDeadline`).
 * Once derivation has read L1 through that block and its chain has still not started E, it builds E's block itself
 * on its head: a deposit-only block (`forcedBlockEnv`, `forcedBlockStart`): E's L1-attributes deposit (sequence
 * number 0) and E's deposits in log order, no user transaction, timestamp max(parent + 1, E's L1 timestamp),
 * coinbase the sequencer fee vault, base fee, gas limit and PREVRANDAO by `nextBlockEnv`. Epochs are forced one at a
 * time in L1 order, each once its own window has passed; a batch that later carries other blocks at those heights
 * is rejected (conflict, out of order).
 *
 * A deposit-only block is also a valid sequencer block. So a sequencer that falls behind builds exactly these blocks
 * itself once half its window is gone (`mustCatchUp`): recorded in time they derive as usual, recorded late they
 * equal what derivation forced. A sequencer whose blocks derivation replaced (it ignored L1 past the deadline) finds
 * the newest block derivation keeps with `firstPassedEpoch` and rebuilds from there.
 */
import { type BlockStart, type L1Epoch, newEpochStart } from "./blockStart.ts";
import type { ChainConfig } from "./config.ts";
import { Predeploys } from "./constants.ts";
import type { L1BlockInfo, L1BlockRef } from "./l1BlockInfo.ts";
import { nextBlockEnv } from "./nextBlock.ts";
import type { OpenBlockEnv } from "./openBlock.ts";
import type { Address, Block } from "./types.ts";

/** The coinbase of a deposit-only block (OP's `SequencerFeeVault`; a deposit-only block pays it nothing). */
export const FORCED_BLOCK_COINBASE: Address = Predeploys.SequencerFeeVault;

/** The epoch the block after `parent` (the parent block's L1 info; undefined: genesis) starts, if it starts one. */
export function nextEpochNumber(parent: L1BlockInfo | undefined, l1StartBlock: bigint): bigint {
  return parent === undefined ? l1StartBlock : parent.number + 1n;
}

/** The newest L1 block a batch may be recorded in and still start epoch `epoch`. */
export function windowDeadline(epoch: bigint, sequencingWindow: number): bigint {
  return epoch + BigInt(sequencingWindow);
}

/** Whether L1 through `l1Block` decides epoch `epoch`: derivation forces it if no accepted batch started it. */
export function isWindowPassed(epoch: bigint, l1Block: bigint, sequencingWindow: number): boolean {
  return windowDeadline(epoch, sequencingWindow) <= l1Block;
}

/**
 * Whether a sequencer that has not started `epoch` by L1 block `l1Head` must catch up now, with deposit-only blocks:
 * half the window is gone, the other half is left for the batcher to record them.
 */
export function mustCatchUp(epoch: bigint, l1Head: bigint, sequencingWindow: number): boolean {
  const margin = BigInt(Math.floor(sequencingWindow / 2));
  return windowDeadline(epoch, sequencingWindow) - margin <= l1Head;
}

/** A deposit-only block's timestamp: after its parent's, and no older than its L1 origin. */
export function forcedBlockTimestamp(parent: Block, origin: { readonly timestamp: bigint }): bigint {
  const next = parent.header.timestamp + 1n;
  return origin.timestamp > next ? origin.timestamp : next;
}

/** The environment of the deposit-only block on `parent` that starts the epoch of `origin`. */
export function forcedBlockEnv(parent: Block, chain: ChainConfig, origin: L1BlockRef): OpenBlockEnv {
  return nextBlockEnv(parent, chain, {
    timestamp: forcedBlockTimestamp(parent, origin),
    coinbase: FORCED_BLOCK_COINBASE,
  });
}

/** A deposit-only block's transactions: the start of `epoch`, which must follow `parent` (else `L1OriginError`). */
export function forcedBlockStart(
  parent: L1BlockInfo | undefined,
  epoch: L1Epoch,
  timestamp: bigint,
  l1StartBlock: bigint,
): BlockStart {
  return newEpochStart(parent, epoch, timestamp, l1StartBlock);
}

/**
 * Whether `block` (on `parent`, starting the epoch its L1 info names) is the deposit-only block derivation forces
 * there: deposits only, the forced coinbase and timestamp. Its L1-attributes deposit and deposits are the epoch's,
 * and the rest of its header follows from its parent (`nextBlockEnv`), so it is that very block.
 */
export function isForcedBlock(block: Block, parent: Block, info: L1BlockInfo): boolean {
  return (
    info.sequenceNumber === 0n &&
    block.header.parentHash === parent.hash &&
    block.header.beneficiary === FORCED_BLOCK_COINBASE &&
    block.header.timestamp === forcedBlockTimestamp(parent, info) &&
    block.transactions.every((tx) => tx.type === 0x7e)
  );
}

/** An epoch of a chain and the block that starts it (undefined: the chain has not started it). */
export interface ChainEpoch {
  readonly epoch: bigint;
  readonly firstBlock: bigint | undefined;
  /**
   * The first block is the deposit-only block derivation forces on its parent (`isForcedBlock`): derivation builds
   * the same block when the epoch passes its window, so it keeps it however late it was recorded.
   */
  readonly forced?: boolean;
}

export interface FirstPassedEpochParameters {
  /** Epochs in order: those the chain's blocks start, then the next one the chain has not started. */
  readonly epochs: readonly ChainEpoch[];
  readonly sequencingWindow: number;
  /** The newest L1 block the decision may use. */
  readonly l1Head: bigint;
  /** The newest L2 block recorded on L1 in batches up to L1 block `l1Block` (0: none). */
  readonly recordedThrough: (l1Block: bigint) => bigint;
}

/**
 * The first of `epochs` whose window passed without its first block recorded, and the newest block derivation keeps
 * of the chain: the blocks recorded by that epoch's deadline (derivation forces the epoch right after them), or the
 * deposit-only blocks it forced the same as this chain's (a sequencer that caught up late, or rebuilt after a rewind).
 * Undefined when every decided epoch was started in time.
 */
export function firstPassedEpoch({
  epochs,
  sequencingWindow,
  l1Head,
  recordedThrough,
}: FirstPassedEpochParameters): { readonly epoch: bigint; readonly keptBlock: bigint } | undefined {
  let forcedThrough = 0n;
  for (const { epoch, firstBlock, forced } of epochs) {
    if (!isWindowPassed(epoch, l1Head, sequencingWindow)) return undefined;
    const recorded = recordedThrough(windowDeadline(epoch, sequencingWindow));
    const kept = recorded > forcedThrough ? recorded : forcedThrough;
    if (firstBlock !== undefined && firstBlock <= kept) continue;
    // Derivation forces the epoch on the block it kept: this chain's own block there is the same one.
    if (firstBlock === kept + 1n && forced === true) {
      forcedThrough = firstBlock;
      continue;
    }
    return { epoch, keptBlock: kept };
  }
  return undefined;
}
