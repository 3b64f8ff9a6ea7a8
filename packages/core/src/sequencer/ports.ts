/**
 * What the sequencer needs from the layers around it, as narrow ports: the tx pool (`TxPool` is a `TxSource`), the
 * chain's state (`ChainState` is a `SequencerState`), and L1 (`L1Origins`, over chain/'s `L1EpochSource`);
 * the store comes as `ChainStore`.
 */

import type { L1Epoch, L1EpochSource } from "../chain/blockStart.ts";
import type { L1BlockInfo } from "../chain/l1BlockInfo.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import type { Hash, Transaction } from "../chain/types.ts";

/** What the sequencer reads of L1 to start epochs (chain/'s port; settlement's `DepositSource` is one). */
export type { L1EpochSource };

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

/**
 * Where the sequencer's L1 origins come from when it starts a block (`chain/blockStart.ts` decides which one):
 * `L1EpochFollower` over an `L1EpochSource`, or `withoutL1()` (one fixed epoch) for a chain without settlement.
 */
export interface L1Origins {
  /** The L1 origin of block 1 (the chain's L1 start block). */
  readonly l1StartBlock: bigint;
  /** The epoch that may follow `parent` (the parent block's L1 info; undefined: genesis), if known and confirmed. */
  nextEpoch(parent: L1BlockInfo | undefined): L1Epoch | undefined;
  /**
   * Force inclusion (`chain/sequencingWindow.ts`): undefined while the epoch after `parent` is within its window's
   * first half; once half of it is gone unstarted, `{ epoch }` with that epoch when it is read (the sequencer builds
   * its deposit-only block now), or `{ epoch: undefined }` until it is (no other block may start meanwhile).
   */
  catchUp(parent: L1BlockInfo | undefined): { readonly epoch: L1Epoch | undefined } | undefined;
  /** The newest block's L1 info (undefined: the chain is back at genesis): follow L1 from its origin. */
  followed(info: L1BlockInfo | undefined): void;
  /**
   * Starts following L1: `epochReady` hears that a new epoch can be taken (block 1 waits for it) or must be caught
   * up, `fatal` an L1 reorg deeper than the confirmation depth or a sequencing window passed while L1 was ignored.
   */
  start(listener: L1OriginsListener): void;
  stop(): Promise<void>;
}

export interface L1OriginsListener {
  epochReady(): void;
  fatal(error: Error): void;
}
