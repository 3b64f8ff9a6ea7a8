/**
 * The attestation a prover signs for an output it re-executed: EIP-712 `OutputAttestation(chainId, l2BlockNumber,
 * outputRoot)` under the `QuorumOutputVerifier`'s domain (`@mach/contracts`' `outputAttestationDomain` and
 * `outputAttestationTypes`), exactly what `MachOutputGame.attest` checks on L1; the same bytes travel on p2p.
 */
import { outputAttestationDomain, outputAttestationTypes } from "@mach/contracts";
import { hashTypedData, hexToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { bytesToBigint } from "../chain/bytes.ts";
import { recoverDigestSigner } from "../chain/digestSignature.ts";
import type { Address, Hash, Hex } from "../chain/types.ts";

/** Where the verifier lives: the L1 chain id and the `QuorumOutputVerifier` address. */
export interface AttestationDomain {
  readonly l1ChainId: bigint;
  readonly verifier: Address;
}

/** What is signed: the L2 chain, the block and its output root. */
export interface OutputClaim {
  readonly chainId: bigint;
  readonly l2BlockNumber: bigint;
  readonly outputRoot: Hash;
}

function typedData(domain: AttestationDomain, claim: OutputClaim) {
  return {
    domain: outputAttestationDomain(domain.l1ChainId, domain.verifier),
    types: outputAttestationTypes,
    primaryType: "OutputAttestation" as const,
    message: { chainId: claim.chainId, l2BlockNumber: claim.l2BlockNumber, outputRoot: claim.outputRoot },
  };
}

/** A prover's signing key. */
export interface AttestationSigner {
  readonly address: Address;
  sign(claim: OutputClaim): Promise<Hex>;
}

export function createAttestationSigner(privateKey: Hex, domain: AttestationDomain): AttestationSigner {
  const account = privateKeyToAccount(privateKey);
  return {
    address: account.address.toLowerCase() as Address,
    sign: (claim) => account.signTypedData(typedData(domain, claim)),
  };
}

/**
 * Who signed `signature` (65 bytes `r ‖ s ‖ v`, v 27/28 or 0/1) over `claim`, or undefined when it does not recover.
 * Synchronous (p2p validates gossip synchronously): the EIP-712 digest, then chain/'s secp256k1 recovery.
 */
export function recoverAttestationSigner(
  domain: AttestationDomain,
  claim: OutputClaim,
  signature: Hex,
): Address | undefined {
  const bytes = hexToBytes(signature);
  const v = bytes[64];
  if (bytes.length !== 65 || v === undefined) return undefined;
  const yParity = v >= 27 ? v - 27 : v;
  if (yParity !== 0 && yParity !== 1) return undefined;
  try {
    return recoverDigestSigner(hexToBytes(hashTypedData(typedData(domain, claim))), {
      r: bytesToBigint(bytes.subarray(0, 32)),
      s: bytesToBigint(bytes.subarray(32, 64)),
      yParity,
    });
  } catch {
    // A signature that does not recover is the answer here: nobody's attestation.
    return undefined;
  }
}
