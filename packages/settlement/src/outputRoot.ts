/**
 * Output roots (settlement.md §2.1, OP Stack `Hashing.hashOutputRootProof`): what the proposer posts as a game's root
 * claim and what withdrawals are proven against.
 *
 *   outputRoot = keccak256(bytes32(0) ‖ stateRoot ‖ messagePasserStorageRoot ‖ blockHash)
 */
import { concat, type Hash, keccak256, size } from "viem";
import { SettlementError } from "./errors.ts";

/** Version 0, the only output root version. */
export const OUTPUT_ROOT_VERSION_0: Hash = `0x${"00".repeat(32)}`;

export interface OutputRootProof {
  /** The L2 block's state root. */
  readonly stateRoot: Hash;
  /** Storage root of the L2ToL1MessagePasser (`0x4200…0016`) at that block (`eth_getProof(...).storageHash`). */
  readonly messagePasserStorageRoot: Hash;
  /** The L2 block's hash (`latestBlockhash` in the portal's `OutputRootProof`). */
  readonly blockHash: Hash;
}

export function computeOutputRoot({ stateRoot, messagePasserStorageRoot, blockHash }: OutputRootProof): Hash {
  for (const [name, value] of Object.entries({ stateRoot, messagePasserStorageRoot, blockHash }))
    if (size(value) !== 32) throw new SettlementError("permanent", `${name} must be 32 bytes, got ${size(value)}`);
  return keccak256(concat([OUTPUT_ROOT_VERSION_0, stateRoot, messagePasserStorageRoot, blockHash]));
}

/** The `OutputRootProof` tuple as the Portal's `proveWithdrawalTransaction` takes it. */
export function toPortalOutputRootProof(proof: OutputRootProof) {
  return {
    version: OUTPUT_ROOT_VERSION_0,
    stateRoot: proof.stateRoot,
    messagePasserStorageRoot: proof.messagePasserStorageRoot,
    latestBlockhash: proof.blockHash,
  } as const;
}
