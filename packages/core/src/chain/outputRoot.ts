/**
 * Output roots (OP Stack `Hashing.hashOutputRootProof`): what the proposer posts as a game's root claim, what provers
 * attest to and what withdrawals are proven against.
 *
 *   outputRoot = keccak256(bytes32(0) ‖ stateRoot ‖ messagePasserStorageRoot ‖ blockHash)
 */

import { hexToBytes } from "./bytes.ts";
import { keccak256Hex } from "./hash.ts";
import type { Hash } from "./types.ts";

/** Version 0, the only output root version. */
export const OUTPUT_ROOT_VERSION_0: Hash = `0x${"00".repeat(32)}`;

export interface OutputRootProof {
  /** The L2 block's state root. */
  readonly stateRoot: Hash;
  /** Storage root of the L2ToL1MessagePasser (`0x4200…0016`) at that block. */
  readonly messagePasserStorageRoot: Hash;
  /** The L2 block's hash (`latestBlockhash` in the portal's `OutputRootProof`). */
  readonly blockHash: Hash;
}

export function computeOutputRoot({ stateRoot, messagePasserStorageRoot, blockHash }: OutputRootProof): Hash {
  const preimage = new Uint8Array(128);
  for (const [i, value] of [stateRoot, messagePasserStorageRoot, blockHash].entries()) {
    const bytes = hexToBytes(value);
    if (bytes.length !== 32) throw new RangeError(`output root fields are 32 bytes, got ${bytes.length}`);
    preimage.set(bytes, 32 * (i + 1));
  }
  return keccak256Hex(preimage);
}
