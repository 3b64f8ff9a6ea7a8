/** What the prover attests to: an output proposed on L1 for an L2 block (settlement's `ProposedOutputRef` fits). */
import type { Address, Hash } from "../chain/types.ts";

export interface ProposedOutput {
  readonly l2BlockNumber: bigint;
  readonly outputRoot: Hash;
  /** The output game on L1. */
  readonly game: Address;
}
