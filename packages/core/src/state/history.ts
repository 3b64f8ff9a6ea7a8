/**
 * Reads at recent block numbers without copying state: for each of the last `maxBlocks` sealed blocks, the
 * pre-values of the keys it changed (its reverse diff, from `StateDiffRecorder.takeBlockPreValues()`). The state at
 * block N is the current state with the pre-values of blocks N+1..head (and of the open block) laid over it: for each
 * key, the oldest layer that has it wins, else the current value.
 */
import type { Account, Address, Hash } from "../chain/types.ts";
import type { AccountPreValues, BlockPreValues } from "./diff.ts";
import { HistoricalStateUnavailableError, HistoryOutOfOrderError } from "./errors.ts";
import type { StateReader } from "./types.ts";

/**
 * 256 blocks (~4 minutes of 1 s blocks; geth keeps 128 in memory). Each block's reverse diff is held by the node and
 * by every read worker: under sustained ERC-20 load from 1,000 senders one is ~0.9 MB, so the 1,024 blocks this was
 * before held ~0.9 GB per thread. A restart's history starts at its snapshot (every 300 blocks) anyway.
 */
export const DEFAULT_HISTORY_BLOCKS = 256;

export interface StateHistoryOptions {
  /** How many sealed blocks stay readable (default `DEFAULT_HISTORY_BLOCKS`). */
  readonly maxBlocks?: number;
  /** Pre-values of the block being built (writes already in `state` but not yet sealed), e.g. the recorder's. */
  readonly pending?: () => ReadonlyMap<Address, Readonly<AccountPreValues>>;
  /**
   * The sealed block whose end the state already holds (genesis, or the snapshot a restart restored): readable at
   * once, before any block is recorded. Absent → nothing is readable until the first `recordBlock`.
   */
  readonly sealedBlock?: bigint;
}

export class StateHistory {
  readonly #state: StateReader;
  readonly #maxBlocks: number;
  readonly #pending: () => ReadonlyMap<Address, Readonly<AccountPreValues>>;
  /** Reverse diffs, oldest first; `#blocks[i]` holds the pre-values of block `#firstBlock + i`. */
  readonly #blocks: BlockPreValues[] = [];
  #firstBlock = 0n;
  #head: bigint | undefined;

  constructor(state: StateReader, options: StateHistoryOptions = {}) {
    this.#state = state;
    this.#maxBlocks = options.maxBlocks ?? DEFAULT_HISTORY_BLOCKS;
    if (!Number.isInteger(this.#maxBlocks) || this.#maxBlocks < 0) throw new RangeError("maxBlocks must be ≥ 0");
    const none = new Map<Address, AccountPreValues>();
    this.#pending = options.pending ?? (() => none);
    if (options.sealedBlock !== undefined) {
      this.#head = options.sealedBlock;
      this.#firstBlock = options.sealedBlock + 1n;
    }
  }

  /** The newest sealed block, if any. */
  get headBlock(): bigint | undefined {
    return this.#head;
  }

  /** The oldest block whose state can still be read. */
  get oldestBlock(): bigint | undefined {
    if (this.#head === undefined) return undefined;
    // The state at the end of block first-1 is the first block's pre-values over the current state.
    return this.#firstBlock > 0n ? this.#firstBlock - 1n : 0n;
  }

  /**
   * Block `number` sealed; `preValues` are the values its writes replaced. Blocks must be recorded in order; the
   * first call may start at any number (e.g. after a restart from a snapshot). Called after the block's writes are
   * in the state.
   */
  recordBlock(number: bigint, preValues: BlockPreValues): void {
    if (this.#head !== undefined && number !== this.#head + 1n)
      throw new HistoryOutOfOrderError(this.#head + 1n, number);
    if (this.#head === undefined) this.#firstBlock = number;
    this.#blocks.push(preValues);
    this.#head = number;
    while (this.#blocks.length > this.#maxBlocks) {
      this.#blocks.shift();
      this.#firstBlock++;
    }
  }

  /** The reverse diffs of blocks `from`..`through`, oldest first, if all are kept (none when `from` > `through`). */
  preValuesOf(from: bigint, through: bigint): BlockPreValues[] | undefined {
    if (from > through) return [];
    if (this.#head === undefined || from < this.#firstBlock || through > this.#head) return undefined;
    return this.#blocks.slice(Number(from - this.#firstBlock), Number(through + 1n - this.#firstBlock));
  }

  /**
   * Reaches further back with reverse diffs kept elsewhere (another copy of the same chain's history): `blocks` are
   * those of the blocks up to `through`, the oldest block whose state is readable now, oldest first. With nothing
   * kept yet, `through` is the block the state is at (its own state becomes readable). Blocks past `maxBlocks`
   * are left out, the oldest first.
   */
  extendBack(through: bigint, blocks: readonly BlockPreValues[]): void {
    if (this.#head === undefined) {
      this.#head = through;
      this.#firstBlock = through + 1n;
    } else if (through !== this.oldestBlock || this.#firstBlock === 0n) {
      throw new HistoryOutOfOrderError(this.#firstBlock - 1n, through);
    }
    const taken = blocks.slice(Math.max(0, blocks.length - (this.#maxBlocks - this.#blocks.length)));
    this.#blocks.unshift(...taken);
    this.#firstBlock -= BigInt(taken.length);
  }

  /**
   * Forgets the blocks after `blockNumber` (the chain goes back to it: dev snapshots, reset) and returns their
   * reverse diffs, newest first, for the caller to undo. Throws `HistoricalStateUnavailableError` when
   * `blockNumber` is older than the kept history.
   */
  truncateAfter(blockNumber: bigint): BlockPreValues[] {
    if (this.#head === undefined || blockNumber >= this.#head) return [];
    const oldest = this.oldestBlock;
    if (oldest === undefined || blockNumber < oldest) {
      throw new HistoricalStateUnavailableError(blockNumber, oldest, this.#head);
    }
    const keep = Number(blockNumber + 1n - this.#firstBlock);
    const removed = this.#blocks.splice(Math.max(keep, 0)).reverse();
    this.#head = blockNumber;
    if (this.#blocks.length === 0) {
      // Nothing left but the state at `blockNumber` itself: the next recorded block follows it.
      this.#firstBlock = blockNumber + 1n;
    }
    return removed;
  }

  /**
   * The state as of the end of `blockNumber`: the live state itself is not copied, so the reader stays valid while
   * newer blocks are written. Throws `HistoricalStateUnavailableError` outside [oldestBlock, headBlock].
   */
  stateAt(blockNumber: bigint): StateReader {
    const oldest = this.oldestBlock;
    if (this.#head === undefined || oldest === undefined || blockNumber < oldest || blockNumber > this.#head) {
      throw new HistoricalStateUnavailableError(blockNumber, oldest, this.#head);
    }
    return new HistoricalState(this, blockNumber);
  }

  /** @internal The layers for reads at `blockNumber`, oldest first; throws once the block has been pruned. */
  layersFor(blockNumber: bigint): ReadonlyMap<Address, Readonly<AccountPreValues>>[] {
    const oldest = this.oldestBlock;
    if (oldest === undefined || blockNumber < oldest) {
      throw new HistoricalStateUnavailableError(blockNumber, oldest, this.#head);
    }
    const from = Number(blockNumber + 1n - this.#firstBlock);
    const layers: ReadonlyMap<Address, Readonly<AccountPreValues>>[] = this.#blocks.slice(from);
    layers.push(this.#pending());
    return layers;
  }

  /** @internal */
  get state(): StateReader {
    return this.#state;
  }
}

class HistoricalState implements StateReader {
  readonly #history: StateHistory;
  readonly #blockNumber: bigint;

  constructor(history: StateHistory, blockNumber: bigint) {
    this.#history = history;
    this.#blockNumber = blockNumber;
  }

  getAccount(address: Address): Account | undefined {
    for (const layer of this.#history.layersFor(this.#blockNumber)) {
      const pre = layer.get(address);
      if (pre?.accountTouched) return pre.account ?? undefined;
    }
    return this.#history.state.getAccount(address);
  }

  getCode(address: Address): Uint8Array {
    for (const layer of this.#history.layersFor(this.#blockNumber)) {
      const pre = layer.get(address);
      if (pre?.accountTouched) return pre.code;
    }
    return this.#history.state.getCode(address);
  }

  getStorage(address: Address, slot: Hash): bigint {
    for (const layer of this.#history.layersFor(this.#blockNumber)) {
      const value = layer.get(address)?.storage.get(slot);
      if (value !== undefined) return value;
    }
    return this.#history.state.getStorage(address, slot);
  }
}
