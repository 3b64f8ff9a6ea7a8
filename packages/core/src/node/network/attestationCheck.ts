/**
 * Which gossiped attestations a node accepts: signed (EIP-712, under the `QuorumOutputVerifier`'s domain) by one of
 * the registered provers over the output it claims. Provers use it to gather a quorum, a sequencer to show them.
 */
import type { Address } from "../../chain/types.ts";
import type { Attestation } from "../../p2p/index.ts";
import { type AttestationDomain, recoverAttestationSigner } from "../../prover/attestation.ts";

export function registeredProverCheck(
  domain: AttestationDomain,
  provers: readonly Address[],
): (attestation: Attestation) => boolean {
  const registered = new Set(provers.map((prover) => prover.toLowerCase()));
  return (attestation) =>
    registered.has(attestation.prover) &&
    recoverAttestationSigner(
      domain,
      { chainId: attestation.chainId, l2BlockNumber: attestation.blockNumber, outputRoot: attestation.outputRoot },
      attestation.signature,
    ) === attestation.prover;
}
