/**
 * Output roots as the Portal takes them. The rule itself (`computeOutputRoot`, OP version 0) is core's, in
 * `@mach/core/chain`: the proposer, provers and withdrawals all compute it with the one implementation.
 */
import { OUTPUT_ROOT_VERSION_0, type OutputRootProof } from "@mach/core/chain";

/** The `OutputRootProof` tuple as the Portal's `proveWithdrawalTransaction` takes it. */
export function toPortalOutputRootProof(proof: OutputRootProof) {
  return {
    version: OUTPUT_ROOT_VERSION_0,
    stateRoot: proof.stateRoot,
    messagePasserStorageRoot: proof.messagePasserStorageRoot,
    latestBlockhash: proof.blockHash,
  } as const;
}
