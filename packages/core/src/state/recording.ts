/**
 * The world state as the sequencer drives it (the shape of `sequencer/ports.ts`' `SequencerState`): writes of each
 * mini-block go through a `StateDiffRecorder`, `endMiniBlock()` returns its diff, `commitBlock(n)` computes the
 * state root and hands the block's pre-values to `StateHistory` so reads at recent blocks keep working.
 */

import type { StateDiff } from "../chain/stateDiff.ts";
import type { Hash } from "../chain/types.ts";
import { StateDiffRecorder } from "./diff.ts";
import { StateHistory, type StateHistoryOptions } from "./history.ts";
import type { StateWriter } from "./types.ts";
import type { WorldState } from "./worldState.ts";

export interface RecordedWorldStateOptions {
  /** Recent blocks kept readable through `history.stateAt` (default 1024). */
  readonly historyBlocks?: number;
}

export class RecordedWorldState {
  readonly state: WorldState;
  readonly recorder: StateDiffRecorder;
  readonly history: StateHistory;

  constructor(state: WorldState, options: RecordedWorldStateOptions = {}) {
    this.state = state;
    this.recorder = new StateDiffRecorder(state);
    const historyOptions: StateHistoryOptions = {
      pending: () => this.recorder.pendingPreValues,
      ...(options.historyBlocks === undefined ? {} : { maxBlocks: options.historyBlocks }),
    };
    this.history = new StateHistory(state, historyOptions);
  }

  /** The writer for the next mini-block (the same recorder each time; diffs are cut by `endMiniBlock`). */
  beginMiniBlock(): StateWriter {
    return this.recorder;
  }

  /** The diff of everything written since the previous `endMiniBlock`. */
  endMiniBlock(): StateDiff {
    return this.recorder.takeDiff();
  }

  /** Seals block `blockNumber`: commits the state root and records the block's pre-values for history. */
  commitBlock(blockNumber: bigint): Hash {
    const root = this.state.commit();
    this.history.recordBlock(blockNumber, this.recorder.takeBlockPreValues());
    return root;
  }
}
