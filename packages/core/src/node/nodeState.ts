/**
 * The sequencer node's state: the in-RAM world state, the recorder that turns each mini-block's writes into a state
 * diff (and each block's into a reverse diff for history), and the history that answers reads at recent blocks.
 * Also the restart path: latest snapshot + the write-ahead log's state diffs, checked against every sealed block's
 * state root on the way.
 */

import type { MiniBlock } from "../chain/miniBlock.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import type { Address, Block, Hash } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import type { SequencerState } from "../sequencer/ports.ts";
import { applyStateDiff } from "../state/diff.ts";
import { HistoricalStateUnavailableError } from "../state/errors.ts";
import { RecordedWorldState } from "../state/recording.ts";
import { encodeSnapshot, restoreSnapshot } from "../state/snapshot.ts";
import type { NodeStore } from "../state/store/nodeStore.ts";
import type { StateReader, StateWriter } from "../state/types.ts";
import type { WorldState, WorldStateProof } from "../state/worldState.ts";
import type { StateView } from "./rpcBackend.ts";

/** The store cannot be replayed into a consistent state (missing log entries, a root mismatch). */
export class StoreRecoveryError extends MachError {
  override name = "StoreRecoveryError";
}

export class NodeState implements SequencerState, StateView {
  readonly world: WorldState;
  readonly #recorded: RecordedWorldState;
  /** Global number of the first mini-block after the newest snapshot (what a restart replays from). */
  #replayFrom = 0n;

  constructor(world: WorldState, historyBlocks: number) {
    this.world = world;
    this.#recorded = new RecordedWorldState(world, { historyBlocks });
  }

  get latest(): StateReader {
    return this.world;
  }

  beginMiniBlock(): StateWriter {
    return this.#recorded.beginMiniBlock();
  }

  endMiniBlock(): StateDiff {
    return this.#recorded.endMiniBlock();
  }

  commitBlock(blockNumber: bigint): Hash {
    return this.#recorded.commitBlock(blockNumber);
  }

  stateAt(number: bigint): StateReader | undefined {
    try {
      return this.#recorded.history.stateAt(number);
    } catch (error) {
      if (error instanceof HistoricalStateUnavailableError) return undefined;
      throw error;
    }
  }

  /** Proofs at the newest sealed block: the tries are committed per block, mini-block writes are not in them. */
  getProof(address: Address, slots: readonly Hash[]): WorldStateProof {
    return this.world.getCommittedProof(address, slots);
  }

  /** The full state as snapshot chunks (taken right after a block sealed). */
  snapshotChunks(): Iterable<Uint8Array> {
    return encodeSnapshot(this.world);
  }

  /**
   * After a snapshot at `block`: the write-ahead log below the previous snapshot's replay point is no longer needed
   * (one interval is kept for `mach_getStateDiff`). Returns the mini-block number to prune below.
   */
  pruneBelow(block: Block): bigint {
    const previous = this.#replayFrom;
    this.#replayFrom = block.miniBlockOffset + BigInt(block.miniBlockCount);
    return previous;
  }

  /**
   * Rebuilds the state of a store written before: the newest snapshot, then the state diff of every logged
   * mini-block after it. Each sealed block's root is checked; mini-blocks of the block that was still open when the
   * node stopped are returned so the sequencer continues that block.
   */
  static restore(
    store: NodeStore,
    historyBlocks: number,
  ): { state: NodeState; head: Block; openMiniBlocks: MiniBlock[] } {
    const snapshot = store.latestSnapshot();
    const headNumber = store.headBlockNumber();
    if (!snapshot || headNumber === undefined) throw new StoreRecoveryError("store has no snapshot to restart from");
    const snapshotBlock = store.getBlock(snapshot.blockNumber);
    if (!snapshotBlock) throw new StoreRecoveryError(`store lacks block ${snapshot.blockNumber} of its snapshot`);
    const world = restoreSnapshot(snapshot.chunks);
    if (world.stateRoot !== snapshotBlock.header.stateRoot) {
      throw new StoreRecoveryError(
        `snapshot at block ${snapshot.blockNumber} has root ${world.stateRoot}, block says ${snapshotBlock.header.stateRoot}`,
      );
    }
    const state = new NodeState(world, historyBlocks);
    state.#replayFrom = snapshotBlock.miniBlockOffset + BigInt(snapshotBlock.miniBlockCount);
    let sealed = snapshot.blockNumber;
    const sealThrough = (number: bigint) => {
      while (sealed < number) {
        const next = sealed + 1n;
        const block = store.getBlock(next);
        if (!block) throw new StoreRecoveryError(`store lacks sealed block ${next}`);
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
    let expected = state.#replayFrom;
    for (const miniBlock of store.miniBlocksFrom(state.#replayFrom)) {
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
      applyStateDiff(state.beginMiniBlock(), miniBlock.stateDiff);
      state.endMiniBlock();
      if (miniBlock.blockNumber === headNumber + 1n) open.push(miniBlock);
    }
    sealThrough(headNumber);
    const head = store.getBlock(headNumber);
    if (!head) throw new StoreRecoveryError(`store lacks its head block ${headNumber}`);
    return { state, head, openMiniBlocks: open };
  }
}
