/**
 * Restart and snapshots, as a state-level concern over the store: `restoreChainState` rebuilds the state from the
 * newest snapshot plus the write-ahead log (checking every sealed block's state root on the way, unless it rebuilds a
 * state without tries for a read worker) and hands back the
 * mini-blocks of the block that was still open (`dropUnreplayableBlocks` first drops blocks the log cannot replay);
 * `SnapshotSchedule` writes a snapshot every N blocks and prunes the
 * log below the previous one (one interval is kept for `mach_getStateDiff`).
 */
import type { MiniBlock } from "../../chain/miniBlock.ts";
import type { Block } from "../../chain/types.ts";
import { MachError } from "../../errors.ts";
import { ChainState, type ChainStateOptions } from "../chainState.ts";
import { restoreSnapshot } from "../snapshot.ts";
import type { ChainStore, ChainStoreReader } from "./chainStore.ts";

/** The store cannot be replayed into a consistent state (missing log entries, a root mismatch). */
export class StoreRecoveryError extends MachError {
  override name = "StoreRecoveryError";
}

export interface RestoredChain {
  readonly state: ChainState;
  readonly head: Block;
  /** Mini-blocks of the block that was open when the node stopped, in order. */
  readonly openMiniBlocks: MiniBlock[];
  /** Global number of the first mini-block after the newest snapshot (what the next restart replays from). */
  readonly replayFrom: bigint;
}

export interface RestoreOptions extends ChainStateOptions {
  /**
   * Rebuild the tries and check the snapshot's and every replayed block's state root (the default). False: the flat
   * state alone, unchecked (a read worker's, beside a main thread that restored and checked the same store).
   */
  readonly tries?: boolean;
}

export function restoreChainState(store: ChainStoreReader, options: RestoreOptions = {}): RestoredChain {
  const snapshot = store.latestSnapshot();
  const headNumber = store.headBlockNumber();
  if (!snapshot || headNumber === undefined) throw new StoreRecoveryError("store has no snapshot to restart from");
  const snapshotBlock = store.getBlock(snapshot.blockNumber);
  if (!snapshotBlock) throw new StoreRecoveryError(`store lacks block ${snapshot.blockNumber} of its snapshot`);
  const { tries = true, ...stateOptions } = options;
  const world = restoreSnapshot(snapshot.chunks, { tries });
  if (tries && world.stateRoot !== snapshotBlock.header.stateRoot) {
    throw new StoreRecoveryError(
      `snapshot at block ${snapshot.blockNumber} has root ${world.stateRoot}, block says ${snapshotBlock.header.stateRoot}`,
    );
  }
  const state = new ChainState(world, { ...stateOptions, sealedBlock: snapshot.blockNumber });
  const replayFrom = snapshotBlock.miniBlockOffset + BigInt(snapshotBlock.miniBlockCount);
  let sealed = snapshot.blockNumber;
  const sealThrough = (number: bigint) => {
    while (sealed < number) {
      const next = sealed + 1n;
      const block = store.getBlock(next);
      if (!block) throw new StoreRecoveryError(`store lacks sealed block ${next}`);
      if (!tries) {
        state.sealBlock(next);
        sealed = next;
        continue;
      }
      const root = state.commitBlock(next);
      if (root !== block.header.stateRoot) {
        throw new StoreRecoveryError(
          `replayed state root ${root} differs from block ${next}'s ${block.header.stateRoot}`,
        );
      }
      sealed = next;
    }
  };
  const open: MiniBlock[] = [];
  let expected = replayFrom;
  for (const miniBlock of store.miniBlocksFrom(replayFrom)) {
    if (miniBlock.number !== expected) {
      throw new StoreRecoveryError(`write-ahead log jumps from mini-block ${expected} to ${miniBlock.number}`);
    }
    expected++;
    if (miniBlock.blockNumber > headNumber + 1n) {
      throw new StoreRecoveryError(
        `mini-block ${miniBlock.number} belongs to block ${miniBlock.blockNumber} past head ${headNumber}`,
      );
    }
    sealThrough(miniBlock.blockNumber - 1n);
    state.applyMiniBlockDiff(miniBlock.stateDiff);
    if (miniBlock.blockNumber === headNumber + 1n) open.push(miniBlock);
  }
  sealThrough(headNumber);
  const head = store.getBlock(headNumber);
  if (!head) throw new StoreRecoveryError(`store lacks its head block ${headNumber}`);
  return { state, head, openMiniBlocks: open, replayFrom };
}

/**
 * Takes the store back to the newest block its write-ahead log can replay: a block after the newest snapshot whose
 * last mini-block the log lacks (a replica stopped while adopting blocks derived from L1 + DA, which have no
 * mini-blocks, before the snapshot that ends the run) is dropped with every block after it, to be fetched or derived
 * again. Resolves with the first dropped block, if any.
 */
export async function dropUnreplayableBlocks(store: ChainStore): Promise<bigint | undefined> {
  const snapshot = store.latestSnapshot();
  const head = store.headBlockNumber();
  if (snapshot === undefined || head === undefined) return undefined;
  for (let number = snapshot.blockNumber + 1n; number <= head; number++) {
    const block = store.getBlock(number);
    const last = block === undefined ? undefined : block.miniBlockOffset + BigInt(block.miniBlockCount) - 1n;
    if (last !== undefined && store.getMiniBlockRecord(last) !== undefined) continue;
    await store.truncateAfter(number - 1n);
    return number;
  }
  return undefined;
}

/** Writes a snapshot every `intervalBlocks` sealed blocks and prunes the log below the previous snapshot's start. */
export class SnapshotSchedule {
  readonly #store: ChainStore;
  readonly #state: ChainState;
  readonly #intervalBlocks: bigint;
  #replayFrom: bigint;

  constructor(store: ChainStore, state: ChainState, intervalBlocks: number, replayFrom: bigint) {
    this.#store = store;
    this.#state = state;
    this.#intervalBlocks = BigInt(intervalBlocks);
    this.#replayFrom = replayFrom;
  }

  async afterBlockSealed(block: Block): Promise<void> {
    if (block.header.number % this.#intervalBlocks !== 0n) return;
    await this.#store.putSnapshot(block.header.number, this.#state.snapshotChunks());
    const previous = this.#replayFrom;
    this.#replayFrom = block.miniBlockOffset + BigInt(block.miniBlockCount);
    await this.#store.pruneMiniBlocks(previous);
  }

  /** The chain went back to `block` and a snapshot was taken there: the log is kept from its end on. */
  afterRewind(block: Block): void {
    this.#replayFrom = block.miniBlockOffset + BigInt(block.miniBlockCount);
  }
}
