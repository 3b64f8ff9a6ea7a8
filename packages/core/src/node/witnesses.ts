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
import type { WitnessStore } from "../state/store/witnessStore.ts";
import type { StateWriter } from "../state/types.ts";
import { buildBlockWitness } from "../state/witness/builder.ts";
import { compressBlockWitness } from "../state/witness/codec.ts";
import { WitnessRecorder } from "../state/witness/recorder.ts";
import type { BlockWitness } from "../state/witness/types.ts";
import type { Logger } from "../telemetry.ts";

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

export interface SequencerWitnesses {
  readonly recorder: WitnessRecorder;
  /** The sequencer's state port: seals through `state`, building each block's witness first. */
  readonly state: SequencerState;
  /** A kept witness, compressed (`mega_getBlockWitness`). */
  get(blockNumber: bigint): Uint8Array | undefined;
  /** Waits for witnesses still being compressed and stored. */
  flush(): Promise<void>;
}

/**
 * Witnesses on a sequencer: built at seal (the parent's tries are still there), compressed and stored after it, off
 * the sealing path. The block the sequencer resumes after a restart is not witnessed: its first mini-blocks came from
 * the log, not from execution, so nothing recorded what they read.
 */
export function createSequencerWitnesses(options: {
  readonly state: ChainState;
  readonly store: ChainStoreReader;
  readonly witnessStore: WitnessStore;
  readonly logger: Logger;
  /** A block whose mini-blocks were partly replayed from the log (not witnessed). */
  readonly resumedBlock?: bigint | undefined;
}): SequencerWitnesses {
  const { witnessStore, logger } = options;
  const recorder = new WitnessRecorder();
  let storing: Promise<void> = Promise.resolve();
  const state = createWitnessingState({
    state: options.state,
    recorder,
    store: options.store,
    onWitness(witness) {
      if (witness.blockNumber === options.resumedBlock) return;
      storing = storing
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => witnessStore.put(witness.blockNumber, compressBlockWitness(witness)))
        .catch((error: unknown) =>
          logger.error({ block: witness.blockNumber.toString(), err: error }, "block witness not stored"),
        );
    },
  });
  return {
    recorder,
    state,
    get: (blockNumber) => witnessStore.get(blockNumber),
    flush: () => storing,
  };
}
