/**
 * keccak256 on the hot path: hash-wasm's WASM keccak with one reused hasher (~6x @noble, see perf-facts.md).
 * The hasher is created once at module load (top-level await), so callers get a synchronous function.
 */
import { createKeccak } from "hash-wasm";
import { bytesToHex } from "./bytes.ts";
import type { Hash } from "./types.ts";

const hasher = await createKeccak(256);

/** keccak256 of `data` as 32 bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

/** keccak256 of `data` as lowercase 0x-hex. */
export function keccak256Hex(data: Uint8Array): Hash {
  return bytesToHex(keccak256(data));
}

/** keccak256 of `data` written into `out` at `outOffset` (32 bytes). */
export function keccak256Into(data: Uint8Array, out: Uint8Array, outOffset: number): void {
  hasher.init();
  hasher.update(data);
  out.set(hasher.digest("binary"), outOffset);
}
