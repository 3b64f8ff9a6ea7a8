/** Errors of the state layer. Each says what the caller can do: a decode error drops the input, a history error asks for a newer block. */
import { MachError, type MachErrorOptions } from "../errors.ts";

/** Base of every state-layer error. */
export class StateError extends MachError {
  override name = "StateError";
}

/** A state diff's bytes are malformed (truncated, unknown version, out-of-range length). Drop the message. */
export class StateDiffDecodeError extends StateError {
  override name = "StateDiffDecodeError";
  constructor(details: string, options: MachErrorOptions = {}) {
    super("Invalid state diff encoding", { ...options, details, docsPath: "/state/diff" });
  }
}

/**
 * A state root or a proof was asked of a world state that keeps no tries (a read worker's: the main thread holds the
 * tries and checks every block's root). A programming error: ask the main thread's state.
 */
export class StateWithoutTriesError extends StateError {
  override name = "StateWithoutTriesError";
  constructor(operation: string) {
    super(`${operation} needs the state's tries, and this world state keeps none`, { docsPath: "/state/world" });
  }
}

/** A snapshot chunk is malformed. The snapshot cannot be restored; take another one. */
export class SnapshotDecodeError extends StateError {
  override name = "SnapshotDecodeError";
  constructor(details: string, options: MachErrorOptions = {}) {
    super("Invalid state snapshot", { ...options, details, docsPath: "/state/snapshot" });
  }
}

/** State at `blockNumber` is older than the kept history (or newer than the head). JSON-RPC: -32000 like geth's "missing trie node". */
export class HistoricalStateUnavailableError extends StateError {
  override name = "HistoricalStateUnavailableError";
  readonly blockNumber: bigint;
  readonly oldestBlock: bigint | undefined;
  readonly headBlock: bigint | undefined;
  constructor(blockNumber: bigint, oldestBlock: bigint | undefined, headBlock: bigint | undefined) {
    const range = oldestBlock === undefined || headBlock === undefined ? "none" : `${oldestBlock}..${headBlock}`;
    super(`historical state unavailable for block ${blockNumber}`, {
      details: `state is kept for blocks ${range}`,
      docsPath: "/state/history",
    });
    this.blockNumber = blockNumber;
    this.oldestBlock = oldestBlock;
    this.headBlock = headBlock;
  }
}

/** recordBlock() got a block number that does not follow the last one. A sequencer bug: stop and inspect. */
export class HistoryOutOfOrderError extends StateError {
  override name = "HistoryOutOfOrderError";
  constructor(expected: bigint, got: bigint) {
    super("state history recorded out of order", { details: `expected block ${expected}, got ${got}` });
  }
}

/** The Merkle trie found a node in a state its invariants exclude (a changed child not yet hashed): a bug. */
export class TrieInvariantError extends StateError {
  override name = "TrieInvariantError";
  constructor(details: string) {
    super("Merkle trie invariant broken", { details });
  }
}

/** A stored record failed to decode: the store is corrupt or from an incompatible version. */
export class StoreCorruptionError extends MachError {
  override name = "StoreCorruptionError";
}
