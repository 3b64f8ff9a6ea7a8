/**
 * What the sequencer needs from the layers around it, as narrow ports: the tx pool (`TxPool` is a `TxSource`) and
 * the chain's state (`ChainState` is a `SequencerState`); the store comes as `ChainStore`.
 */

import type { StateDiff } from "../chain/stateDiff.ts";
import type { Hash, Transaction } from "../chain/types.ts";
import type { StateWriter } from "../state/types.ts";

/** The sequencer's view of the tx pool. */
export interface TxSource {
  /** Up to `max` executable transactions in execution order, held in flight until marked or released. */
  takeExecutable(max: number): readonly Transaction[];
  /** Hands back transactions taken but not executed (the block was full): they are offered again later. */
  release(txs: readonly Transaction[]): void;
  /** The transactions were executed into a sealed mini-block: drop them and promote successors. */
  markIncluded(txs: readonly Transaction[]): void;
  /** The transaction failed consensus validation at execution time: drop it (with its dependents' re-check). */
  markRejected(tx: Transaction, error: Error): void;
  /** Calls `listener` whenever a transaction becomes executable; returns an unsubscribe function. */
  onPending(listener: (tx: Transaction) => void): () => void;
}

/** The sequencer's view of the in-RAM world state. */
export interface SequencerState {
  /** A writer that records what this mini-block touches. */
  beginMiniBlock(): StateWriter;
  /** The state diff of the mini-block begun last. */
  endMiniBlock(): StateDiff;
  /** Folds everything written since the last call into the state trie; returns the new state root. */
  commitBlock(blockNumber: bigint): Hash;
}
