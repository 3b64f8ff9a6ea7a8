/**
 * The chain's state as every role that holds it in RAM drives it: the world state, the recorder that turns each
 * mini-block's writes into a state diff (and each block's into a reverse diff), and the history that answers reads at
 * recent blocks. The sequencer executes into `beginMiniBlock()`'s writer; replicas and restarts apply diffs with
 * `applyMiniBlockDiff`; both seal with `commitBlock`.
 */
import type { StateDiff } from "../chain/stateDiff.ts";
import type { Address, Hash } from "../chain/types.ts";
import { applyStateDiff, revertBlockPreValues, StateDiffRecorder } from "./diff.ts";
import { HistoricalStateUnavailableError } from "./errors.ts";
import { StateHistory, type StateHistoryOptions } from "./history.ts";
import { encodeSnapshot } from "./snapshot.ts";
import type { StateReader, StateWriter } from "./types.ts";
import type { WorldState, WorldStateProof } from "./worldState.ts";

export interface ChainStateOptions {
  /** Recent blocks kept readable through `stateAt` (default 1024). */
  readonly historyBlocks?: number;
  /** The sealed block whose end `world` holds (genesis 0, a restored snapshot's block): `stateAt` serves it at once. */
  readonly sealedBlock?: bigint;
}

export class ChainState {
  readonly world: WorldState;
  readonly recorder: StateDiffRecorder;
  readonly history: StateHistory;

  constructor(world: WorldState, options: ChainStateOptions = {}) {
    this.world = world;
    this.recorder = new StateDiffRecorder(world);
    const historyOptions: StateHistoryOptions = {
      pending: () => this.recorder.pendingPreValues,
      ...(options.historyBlocks === undefined ? {} : { maxBlocks: options.historyBlocks }),
      ...(options.sealedBlock === undefined ? {} : { sealedBlock: options.sealedBlock }),
    };
    this.history = new StateHistory(world, historyOptions);
  }

  /** The streaming state after the newest mini-block. */
  get latest(): StateReader {
    return this.world;
  }

  /** The writer for the next mini-block (the same recorder each time; diffs are cut by `endMiniBlock`). */
  beginMiniBlock(): StateWriter {
    return this.recorder;
  }

  /** The diff of everything written since the previous `endMiniBlock`. */
  endMiniBlock(): StateDiff {
    return this.recorder.takeDiff();
  }

  /** Applies a mini-block's diff without executing (replicas, restart replay). */
  applyMiniBlockDiff(diff: StateDiff): void {
    applyStateDiff(this.recorder, diff);
    this.recorder.takeDiff();
  }

  /**
   * The state root of everything written so far (folds pending writes into the tries without sealing a block): a
   * replica checks it against a block header before `commitBlock`, and `discardOpenBlock` undoes it on a mismatch.
   */
  pendingStateRoot(): Hash {
    return this.world.commit();
  }

  /**
   * Undoes every write since the last `commitBlock` (a replica refusing a block whose applied diffs do not reach its
   * header's root): the block's pre-values go back into the world state, uncounted by the recorder, and the tries are
   * folded again. Returns the state root afterwards, the last sealed block's.
   */
  discardOpenBlock(): Hash {
    this.recorder.takeDiff();
    const preValues = this.recorder.takeBlockPreValues();
    const world = this.world;
    for (const [address, pre] of preValues) {
      if (pre.accountTouched) {
        if (pre.account === null) {
          world.deleteAccount(address);
        } else {
          world.importCode(pre.code);
          world.putAccount(address, pre.account);
        }
      }
      for (const [slot, value] of pre.storage) world.putStorage(address, slot, value);
    }
    return world.commit();
  }

  /** Seals block `blockNumber`: commits the state root and records the block's pre-values for history. */
  commitBlock(blockNumber: bigint): Hash {
    const root = this.world.commit();
    this.sealBlock(blockNumber);
    return root;
  }

  /**
   * Seals block `blockNumber` without a state root: records the block's pre-values for history. For a state without
   * tries (a read worker's), whose blocks' roots the main thread checks.
   */
  sealBlock(blockNumber: bigint): void {
    this.history.recordBlock(blockNumber, this.recorder.takeBlockPreValues());
  }

  /**
   * Takes the state back to the end of sealed block `blockNumber` (a development chain's snapshot revert or reset):
   * the open block's writes and those of every later block are undone from their reverse diffs, newest first, and
   * the tries re-committed. Returns the state root, which equals that block's. Throws
   * `HistoricalStateUnavailableError` when the block is older than the kept history.
   */
  rollbackTo(blockNumber: bigint): Hash {
    const later = this.history.truncateAfter(blockNumber);
    revertBlockPreValues(this.world, this.recorder.discardPending());
    for (const preValues of later) revertBlockPreValues(this.world, preValues);
    return this.world.commit();
  }

  /** The state after sealed block `number`, while history still holds it. */
  stateAt(number: bigint): StateReader | undefined {
    try {
      return this.history.stateAt(number);
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
}
