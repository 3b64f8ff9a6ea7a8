/**
 * INSECURE devnet attestation. The stand-in has no operator set, so it "signs" each batch with one fixed, publicly
 * known BN254 key: apk = [sk]₂, quorum apks = [sk]₁, sigma = sk·[h]₁ with h = keccak256(batchHeaderHash) mod r.
 * This is not EigenDA's hash-to-curve and proves nothing; it only gives the certificate the right shape.
 */
import { bn254 } from "@noble/curves/bn254.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex } from "../blob/signer.ts";
import { G1, G2, g1ToCompressed, g2ToCompressed } from "../kzg/points.ts";

const Fr = bn254.fields.Fr;

/** Publicly known devnet operator key (keccak256("mach/eigenda INSECURE devnet operator") mod r). */
export const INSECURE_DEV_OPERATOR_KEY: bigint = Fr.create(
  BigInt(toHex(keccak_256(new TextEncoder().encode("mach/eigenda INSECURE devnet operator")))),
);

export interface DevAttestation {
  readonly apkG2: Uint8Array;
  readonly quorumApks: Uint8Array[];
  readonly sigma: Uint8Array;
  readonly quorumNumbers: number[];
  readonly quorumSignedPercentages: Uint8Array;
}

export function attestDevBatch(batchHeaderHash: Uint8Array, quorumNumbers: readonly number[]): DevAttestation {
  const sk = INSECURE_DEV_OPERATOR_KEY;
  const h = Fr.create(BigInt(toHex(keccak_256(batchHeaderHash))));
  const apkG1 = g1ToCompressed(G1.BASE.multiply(sk));
  return {
    apkG2: g2ToCompressed(G2.BASE.multiply(sk)),
    quorumApks: quorumNumbers.map(() => apkG1),
    sigma: g1ToCompressed(G1.BASE.multiply(Fr.mul(sk, h === 0n ? 1n : h))),
    quorumNumbers: [...quorumNumbers],
    quorumSignedPercentages: Uint8Array.from(quorumNumbers.map(() => 100)),
  };
}
