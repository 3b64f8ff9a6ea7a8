/** BN254 (alt_bn128) ecAdd (0x06), ecMul (0x07) and ecPairing (0x08), EIP-196/197 with EIP-1108 gas. */
import { EVMError, NobleBN254 } from "@ethereumjs/evm";
import { PRECOMPILE_FAILURE, type Precompile, type PrecompileResult, rightPadded } from "./types.ts";

// @ethereumjs/evm's EVM encoding over @noble/curves' bn254.
const bn254 = new NobleBN254();

function run(gasUsed: number, gasLimit: number, outputLength: number, compute: () => Uint8Array): PrecompileResult {
  if (gasUsed > gasLimit) return PRECOMPILE_FAILURE;
  let output: Uint8Array;
  try {
    output = compute();
  } catch (error) {
    // Points off the curve or coordinates out of the field: the call fails and consumes its gas.
    if (error instanceof Error || error instanceof EVMError) return PRECOMPILE_FAILURE;
    throw error;
  }
  if (output.length !== outputLength) return PRECOMPILE_FAILURE;
  return { failed: false, gasUsed, output };
}

export const ecAdd: Precompile = (input, gasLimit) =>
  run(150, gasLimit, 64, () => bn254.add(rightPadded(input, 128).slice()));

export const ecMul: Precompile = (input, gasLimit) =>
  run(6000, gasLimit, 64, () => bn254.mul(rightPadded(input, 96).slice()));

export const ecPairing: Precompile = (input, gasLimit) => {
  if (input.length % 192 !== 0) return PRECOMPILE_FAILURE;
  return run(45_000 + 34_000 * (input.length / 192), gasLimit, 32, () => bn254.pairing(input));
};
