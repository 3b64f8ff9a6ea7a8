/** ecrecover (0x01), sha256 (0x02, node:crypto: inputs run to megabytes), ripemd160 (0x03) and identity (0x04). */
import { createHash } from "node:crypto";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { keccak256 } from "../../../chain/hash.ts";
import { recoverPublicKey, SECP256K1_N } from "../../../chain/signature.ts";
import { bytesToWord } from "../words.ts";
import { charged, type Precompile, type PrecompileResult, rightPadded, words } from "./types.ts";

const EMPTY = new Uint8Array(0);

export const ecrecover: Precompile = (input, gasLimit) => {
  if (gasLimit < 3000) return charged(3000, gasLimit, () => EMPTY);
  const data = rightPadded(input, 128);
  const ok: PrecompileResult = { failed: false, gasUsed: 3000, output: EMPTY };
  for (let i = 32; i < 63; i++) if (data[i] !== 0) return ok;
  const v = data[63] as number;
  if (v !== 27 && v !== 28) return ok;
  const r = bytesToWord(data.subarray(64, 96));
  const s = bytesToWord(data.subarray(96, 128));
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) return ok;
  let publicKey: Uint8Array;
  try {
    publicKey = recoverPublicKey(data.subarray(0, 32), r, s, v - 27);
  } catch (error) {
    // An r that is no curve point's x does not recover: the precompile returns nothing (geth: `nil, nil`).
    if (error instanceof Error) return ok;
    throw error;
  }
  const output = new Uint8Array(32);
  output.set(keccak256(publicKey).subarray(12), 12);
  return { failed: false, gasUsed: 3000, output };
};

export const sha256Precompile: Precompile = (input, gasLimit) =>
  charged(60 + 12 * words(input.length), gasLimit, () => createHash("sha256").update(input).digest());

export const ripemd160Precompile: Precompile = (input, gasLimit) =>
  charged(600 + 120 * words(input.length), gasLimit, () => {
    const out = new Uint8Array(32);
    out.set(ripemd160(input), 12);
    return out;
  });

export const identity: Precompile = (input, gasLimit) =>
  charged(15 + 3 * words(input.length), gasLimit, () => input.slice());
