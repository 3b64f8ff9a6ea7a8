/**
 * The block content rule every role shares (sequencer, derivation, provers): what an L2 block starts with.
 *
 *   block = [L1-attributes deposit(info)] ‖ (info.sequenceNumber = 0 ? user deposits of the origin, log order : []) ‖
 *           user transactions
 *
 * `info` names the block's L1 origin. Each block either stays in its parent's epoch (same origin, sequence number
 * + 1) or starts the next one: the L1 block right after the parent's origin (number + 1, its parent hash = the
 * parent origin's hash, its timestamp ≤ the L2 block's timestamp; no L1 block is ever skipped), with sequence
 * number 0 and that L1 block's `TransactionDeposited` deposits. Block 1 (whose parent is genesis) starts the first
 * epoch at the chain's L1 start block. The sequencer moves to the next origin as soon as it is confirmed on L1 and
 * old enough (`chooseBlockStart`); derivation checks the origin a batch names with `blockStartIn`.
 */
import { MachError } from "../errors.ts";
import { ZERO_HASH } from "./constants.ts";
import {
  type L1BlockInfo,
  type L1BlockRef,
  type L1SystemConfig,
  l1AttributesDeposit,
  l1BlockInfoOf,
} from "./l1BlockInfo.ts";
import { buildTransaction } from "./transaction.ts";
import type { DepositTransaction, Transaction } from "./types.ts";

/** An L1 block as a new epoch needs it: the reference, `SystemConfig` read at it, and its deposits in log order. */
export interface L1Epoch {
  readonly origin: L1BlockRef;
  readonly systemConfig: L1SystemConfig;
  readonly deposits: readonly DepositTransaction[];
}

/**
 * What a role reads of L1 to build epochs (the sequencer to start blocks, derivation to check them); settlement's
 * `DepositSource` is one. Reads are pinned to the given block's hash: an implementation that finds another block at
 * that height throws (a transient error) rather than answer for it.
 */
export interface L1EpochSource {
  /** The number of the newest L1 block (callers keep their own confirmation depth behind it). */
  headNumber(): Promise<bigint>;
  /** The canonical L1 block at `number`, if it exists. */
  blockAt(number: bigint): Promise<L1BlockRef | undefined>;
  /** The deposits L1 block `block` carries, in log order. */
  depositsIn(block: L1BlockRef): Promise<readonly DepositTransaction[]>;
  /** `SystemConfig`'s fee scalars and batcher hash as of the end of `block` (what its epoch's blocks carry). */
  systemConfigAt(block: L1BlockRef): Promise<L1SystemConfig>;
}

/** The first transactions of a block and the L1 info they carry. */
export interface BlockStart {
  readonly info: L1BlockInfo;
  /** The L1-attributes deposit, then (first block of an epoch only) the origin's user deposits. */
  readonly transactions: readonly Transaction[];
}

/** An L1 origin that does not follow the parent's (a skipped or reorged L1 block, or one newer than the L2 block). */
export class L1OriginError extends MachError {
  override name = "L1OriginError";
}

/**
 * L1 replaced a block an L2 chain was built on (an L1 origin, or a block holding a batch record) although it was
 * confirmed: a reorg deeper than the confirmation depth. The chain's deposits or batches may no longer match L1; the
 * sequencer and the deriver stop on it rather than go on.
 */
export class L1ReorgTooDeepError extends MachError {
  override name = "L1ReorgTooDeepError";
}

/**
 * The epoch of a chain without L1 (no settlement, or a node that follows none): block 1 starts it and every block
 * after stays in it, so every block has the same shape. Zero fee parameters: no L1 data fee is charged.
 */
export const NO_L1_EPOCH: L1Epoch = {
  origin: {
    number: 0n,
    hash: ZERO_HASH,
    parentHash: ZERO_HASH,
    timestamp: 0n,
    baseFeePerGas: 0n,
    blobBaseFee: 0n,
  },
  systemConfig: { baseFeeScalar: 0n, blobBaseFeeScalar: 0n, batcherHash: ZERO_HASH },
  deposits: [],
};

/** The next block stays in its parent's epoch. */
export function sameEpochStart(parent: L1BlockInfo): BlockStart {
  const info = { ...parent, sequenceNumber: parent.sequenceNumber + 1n };
  return { info, transactions: [l1AttributesDeposit(info)] };
}

/**
 * The next block starts `epoch`. `parent` is the parent block's L1 info, or undefined when the parent is genesis
 * (then `epoch` must be the chain's L1 start block and no timestamp rule applies). Throws `L1OriginError` when
 * `epoch` does not follow the parent's origin.
 */
export function newEpochStart(
  parent: L1BlockInfo | undefined,
  epoch: L1Epoch,
  l2Timestamp: bigint,
  l1StartBlock: bigint,
): BlockStart {
  const { origin } = epoch;
  if (parent === undefined) {
    if (origin.number !== l1StartBlock)
      throw new L1OriginError(`block 1 must start at L1 block ${l1StartBlock}, not ${origin.number}`);
  } else {
    if (origin.number !== parent.number + 1n)
      throw new L1OriginError(`L1 origin ${origin.number} does not follow ${parent.number}`);
    if (origin.parentHash !== parent.hash)
      throw new L1OriginError(`L1 block ${origin.number} (${origin.hash}) does not build on ${parent.hash}`, {
        details: `its parent is ${origin.parentHash}: L1 reorganized below the L1 origin of the L2 chain`,
      });
    if (origin.timestamp > l2Timestamp)
      throw new L1OriginError(`L1 origin ${origin.number} (time ${origin.timestamp}) is newer than the L2 block`, {
        details: `L2 block time ${l2Timestamp}`,
      });
  }
  const info = l1BlockInfoOf(origin, epoch.systemConfig, 0n);
  const deposits = epoch.deposits.map((deposit) => buildTransaction(deposit));
  return { info, transactions: [l1AttributesDeposit(info), ...deposits] };
}

/**
 * The sequencer's choice: start `next` (the L1 block after the parent's origin, confirmed on L1) when its timestamp
 * is ≤ the L2 block's, else stay. Block 1 must start the first epoch: without it, undefined (wait for L1).
 */
export function chooseBlockStart(
  parent: L1BlockInfo | undefined,
  next: L1Epoch | undefined,
  l2Timestamp: bigint,
  l1StartBlock: bigint,
): BlockStart | undefined {
  if (parent === undefined)
    return next === undefined ? undefined : newEpochStart(undefined, next, l2Timestamp, l1StartBlock);
  if (next !== undefined && next.origin.timestamp <= l2Timestamp)
    return newEpochStart(parent, next, l2Timestamp, l1StartBlock);
  return sameEpochStart(parent);
}

/**
 * Derivation's check: the start of a block whose batch names L1 origin `originNumber`: the parent's (same epoch) or
 * the next one, for which `epoch` (read from L1) is required. Throws `L1OriginError` on any other origin.
 */
export function blockStartIn(
  parent: L1BlockInfo | undefined,
  originNumber: bigint,
  epoch: L1Epoch | undefined,
  l2Timestamp: bigint,
  l1StartBlock: bigint,
): BlockStart {
  if (parent !== undefined && originNumber === parent.number) return sameEpochStart(parent);
  if (epoch === undefined || epoch.origin.number !== originNumber)
    throw new L1OriginError(`the L1 block of origin ${originNumber} is required to start its epoch`);
  return newEpochStart(parent, epoch, l2Timestamp, l1StartBlock);
}
