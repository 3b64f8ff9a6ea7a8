/**
 * KZG point evaluation (0x0a, EIP-4844): checks the versioned hash of the commitment, then the proof that the
 * committed polynomial takes value y at z, with micro-eth-signer's KZG (@noble/curves) over Ethereum's trusted setup.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { verifyKzgProof } from "./kzg.ts";
import { PRECOMPILE_FAILURE, type Precompile } from "./types.ts";

const GAS = 50_000;
const VERSIONED_HASH_VERSION_KZG = 0x01;
/** FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS, both as 32-byte words. */
const RETURN_VALUE = Uint8Array.from(
  Buffer.from(
    "0000000000000000000000000000000000000000000000000000000000001000" +
      "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001",
    "hex",
  ),
);

export const pointEvaluation: Precompile = (input, gasLimit) => {
  if (gasLimit < GAS || input.length !== 192) return PRECOMPILE_FAILURE;
  const versionedHash = input.subarray(0, 32);
  const z = input.subarray(32, 64);
  const y = input.subarray(64, 96);
  const commitment = input.subarray(96, 144);
  const proof = input.subarray(144, 192);
  const hash = sha256(commitment);
  hash[0] = VERSIONED_HASH_VERSION_KZG;
  for (let i = 0; i < 32; i++) if (hash[i] !== versionedHash[i]) return PRECOMPILE_FAILURE;
  if (!verifyKzgProof(commitment, z, y, proof)) return PRECOMPILE_FAILURE;
  return { failed: false, gasUsed: GAS, output: RETURN_VALUE.slice() };
};
