/**
 * A block's witness: what a stateless executor needs to re-execute the block and compute its post-state root from
 * nothing but the parent's state root (`state/witness/index.ts` has the encoding).
 */
import type { Address, Hash } from "../../chain/types.ts";

export interface WitnessAccount {
  readonly address: Address;
  /** The storage slots the block touched (read or written), sorted. */
  readonly slots: readonly Hash[];
}

export interface BlockWitness {
  readonly blockNumber: bigint;
  /**
   * RLP headers, ascending, ending with the parent: its `stateRoot` anchors every trie node, its hash is the
   * block's `parentHash`, and the chain of parent hashes proves the older ones `BLOCKHASH` read.
   */
  readonly headers: readonly Uint8Array[];
  /** RLP trie nodes (account trie and touched storage tries) on the paths the block reads and writes, each once. */
  readonly nodes: readonly Uint8Array[];
  /** Bytecode of every contract whose code the block read (as of the parent). */
  readonly codes: readonly Uint8Array[];
  /** The accounts the block touched with their slots: the preimages of the hashed trie keys. */
  readonly accounts: readonly WitnessAccount[];
}

/** What a block touched while it executed (`WitnessRecorder`), the builder's input. */
export interface BlockAccess {
  /** Every account read or written, with the slots read or written. */
  readonly accounts: ReadonlyMap<Address, ReadonlySet<Hash>>;
  /** Accounts whose code was read. */
  readonly codeReads: ReadonlySet<Address>;
  /** Block numbers `BLOCKHASH` asked for (answered or not). */
  readonly blockHashReads: ReadonlySet<bigint>;
}
