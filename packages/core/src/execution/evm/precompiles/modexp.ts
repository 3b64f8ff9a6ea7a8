/** modexp (0x05) with EIP-2565's gas. */
import { bytesToWord, wordToBytes } from "../words.ts";
import { PRECOMPILE_FAILURE, type Precompile } from "./types.ts";

/** `length` bytes of `data` from `offset` (bigint, may be far past its end), zero-padded. */
function slice(data: Uint8Array, offset: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (offset < BigInt(data.length)) {
    const start = Number(offset);
    out.set(data.subarray(start, Math.min(data.length, start + length)));
  }
  return out;
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

export const modexp: Precompile = (input, gasLimit) => {
  const baseLength = bytesToWord(slice(input, 0n, 32));
  const exponentLength = bytesToWord(slice(input, 32n, 32));
  const modulusLength = bytesToWord(slice(input, 64n, 32));
  const maxLength = baseLength > modulusLength ? baseLength : modulusLength;
  const wordsLength = (maxLength + 7n) / 8n;
  const complexity = wordsLength * wordsLength;
  const headLength = exponentLength > 32n ? 32 : Number(exponentLength);
  const head = bytesToWord(slice(input, 96n + baseLength, headLength));
  const msb = head === 0n ? 0 : bitLength(head) - 1;
  let iterations = (exponentLength > 32n ? (exponentLength - 32n) * 8n : 0n) + BigInt(msb);
  if (iterations < 1n) iterations = 1n;
  let gas = (complexity * iterations) / 3n;
  if (gas < 200n) gas = 200n;
  if (gas > BigInt(gasLimit)) return PRECOMPILE_FAILURE;
  const gasUsed = Number(gas);
  if (modulusLength === 0n) return { failed: false, gasUsed, output: new Uint8Array(0) };
  // Lengths this large cost more gas than any block holds, so they fit in a number here.
  const mLength = Number(modulusLength);
  const base = bytesToWord(slice(input, 96n, Number(baseLength)));
  const exponent = bytesToWord(slice(input, 96n + baseLength, Number(exponentLength)));
  const modulus = bytesToWord(slice(input, 96n + baseLength + exponentLength, mLength));
  if (modulus === 0n) return { failed: false, gasUsed, output: new Uint8Array(mLength) };
  return { failed: false, gasUsed, output: wordToBytes(modPow(base, exponent, modulus), mLength) };
};
