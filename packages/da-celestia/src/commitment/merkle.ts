/**
 * RFC-6962 binary Merkle tree over sha256, as tendermint's `merkle.HashFromByteSlices`: leaf = sha256(0x00 ‖ x),
 * inner = sha256(0x01 ‖ l ‖ r), split at the largest power of two below the leaf count, empty = sha256("").
 */

import { concatBytes } from "../bytes.ts";
import { splitPoint } from "./nmt.ts";
import { sha256 } from "./sha256.ts";

export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0));
  return rootOf(items, 0, items.length);
}

function rootOf(items: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return sha256(concatBytes(Uint8Array.of(0x00), items[lo]!));
  const k = splitPoint(hi - lo);
  return sha256(concatBytes(Uint8Array.of(0x01), rootOf(items, lo, lo + k), rootOf(items, lo + k, hi)));
}
