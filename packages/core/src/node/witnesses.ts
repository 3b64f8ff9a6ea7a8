/**
 * Witness production on the sequencer, wired around it without changing it: its executor records what each
 * transaction touches (`createWitnessRecordingExecutor`), and the state it seals blocks through builds the block's
 * witness from the parent's tries right before `commitBlock` folds the block in. Headers come from the store (the
 * parent, back to the oldest block `BLOCKHASH` read).
 */
import { encodeHeader } from "../chain/header.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import type { Hash } from "../chain/types.ts";
import type { SequencerState } from "../sequencer/ports.ts";
import type { ChainState } from "../state/chainState.ts";
import type { ChainStoreReader } from "../state/store/chainStore.ts";
import type { StateWriter } from "../state/types.ts";
import { buildBlockWitness } from "../state/witness/builder.ts";
import type { WitnessRecorder } from "../state/witness/recorder.ts";
import type { BlockWitness } from "../state/witness/types.ts";

/** `BLOCKHASH` reaches this many blocks back. */
const BLOCK_HASH_WINDOW = 256n;

/** RLP headers of blocks `from`..`blockNumber - 1` (the parent last), `from` the oldest hash read in range. */
export function ancestorHeaders(
  store: ChainStoreReader,
  blockNumber: bigint,
  blockHashReads: ReadonlySet<bigint>,
): Uint8Array[] {
  const parent = blockNumber - 1n;
  let from = parent;
  for (const read of blockHashReads) {
    if (read < from && read >= 0n && read + BLOCK_HASH_WINDOW >= blockNumber) from = read;
  }
  const headers: Uint8Array[] = [];
  for (let number = from; number <= parent; number++) {
    const block = store.getBlock(number);
    if (block === undefined) throw new Error(`witness: the store lacks block ${number}`);
    headers.push(encodeHeader(block.header));
  }
  return headers;
}

export interface WitnessingStateOptions {
  readonly state: ChainState;
  readonly recorder: WitnessRecorder;
  readonly store: ChainStoreReader;
  /** Each block's witness, built at seal (before the block is stored). */
  readonly onWitness: (witness: BlockWitness) => void;
}

/** The sequencer's state port over `state`, building each block's witness as it seals. */
export function createWitnessingState(options: WitnessingStateOptions): SequencerState {
  const { state, recorder, store, onWitness } = options;
  return {
    beginMiniBlock: (): StateWriter => state.beginMiniBlock(),
    endMiniBlock: (): StateDiff => state.endMiniBlock(),
    commitBlock(blockNumber): Hash {
      const access = recorder.take();
      onWitness(
        buildBlockWitness({
          blockNumber,
          world: state.world,
          access,
          headers: ancestorHeaders(store, blockNumber, access.blockHashReads),
        }),
      );
      return state.commitBlock(blockNumber);
    },
  };
}
