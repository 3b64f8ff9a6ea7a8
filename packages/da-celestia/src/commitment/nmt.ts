/**
 * Namespaced Merkle tree over sha256 (celestiaorg/nmt `hasher.go`), with 29-byte namespaces and
 * IgnoreMaxNamespace = true, as Celestia uses it. A node is `minNs ‖ maxNs ‖ digest` (90 bytes).
 * leaf(ns ‖ x) = ns ‖ ns ‖ sha256(0x00 ‖ ns ‖ x); node(l, r) = min ‖ max ‖ sha256(0x01 ‖ l ‖ r), where the max ignores
 * a right child holding only the parity namespace. Trees split at the largest power of two below the leaf count.
 */

import { compareNamespaces, NAMESPACE_SIZE, PARITY_SHARES_NAMESPACE } from "../namespace.ts";
import { sha256 } from "./sha256.ts";

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
export const NMT_NODE_SIZE = 2 * NAMESPACE_SIZE + 32;

/** Hash of the NMT leaf `namespacedData` (its first 29 bytes are its namespace). */
export function nmtLeafHash(namespacedData: Uint8Array): Uint8Array {
  const ns = namespacedData.subarray(0, NAMESPACE_SIZE);
  const pre = new Uint8Array(1 + namespacedData.length);
  pre[0] = LEAF_PREFIX;
  pre.set(namespacedData, 1);
  const out = new Uint8Array(NMT_NODE_SIZE);
  out.set(ns, 0);
  out.set(ns, NAMESPACE_SIZE);
  out.set(sha256(pre), 2 * NAMESPACE_SIZE);
  return out;
}

export function nmtNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const leftMin = left.subarray(0, NAMESPACE_SIZE);
  const leftMax = left.subarray(NAMESPACE_SIZE, 2 * NAMESPACE_SIZE);
  const rightMin = right.subarray(0, NAMESPACE_SIZE);
  const rightMax = right.subarray(NAMESPACE_SIZE, 2 * NAMESPACE_SIZE);
  const min = compareNamespaces(leftMin, rightMin) <= 0 ? leftMin : rightMin;
  let max: Uint8Array;
  if (compareNamespaces(leftMin, PARITY_SHARES_NAMESPACE) === 0) max = PARITY_SHARES_NAMESPACE;
  else if (compareNamespaces(rightMin, PARITY_SHARES_NAMESPACE) === 0) max = leftMax;
  else max = compareNamespaces(leftMax, rightMax) >= 0 ? leftMax : rightMax;
  const pre = new Uint8Array(1 + 2 * NMT_NODE_SIZE);
  pre[0] = NODE_PREFIX;
  pre.set(left, 1);
  pre.set(right, 1 + NMT_NODE_SIZE);
  const out = new Uint8Array(NMT_NODE_SIZE);
  out.set(min, 0);
  out.set(max, NAMESPACE_SIZE);
  out.set(sha256(pre), 2 * NAMESPACE_SIZE);
  return out;
}

/** The empty tree's root: 00×29 ‖ 00×29 ‖ sha256(""). */
export function nmtEmptyRoot(): Uint8Array {
  const out = new Uint8Array(NMT_NODE_SIZE);
  out.set(sha256(new Uint8Array(0)), 2 * NAMESPACE_SIZE);
  return out;
}

/** Largest power of two strictly below `n` (n ≥ 2): where RFC-6962-style trees split. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root over leaf hashes (already hashed with `nmtLeafHash`). */
export function nmtRootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return nmtEmptyRoot();
  return rootOf(leafHashes, 0, leafHashes.length);
}

function rootOf(hashes: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return hashes[lo]!;
  const k = splitPoint(hi - lo);
  return nmtNodeHash(rootOf(hashes, lo, lo + k), rootOf(hashes, lo + k, hi));
}

/** Root of an NMT whose leaves are `namespacedLeaves` (each `ns ‖ data`, pushed in namespace order). */
export function nmtRoot(namespacedLeaves: readonly Uint8Array[]): Uint8Array {
  return nmtRootFromLeafHashes(namespacedLeaves.map(nmtLeafHash));
}

/**
 * The sibling nodes an nmt range proof for leaves [start, end) carries, left to right (celestiaorg/nmt `Prove`
 * without the absence-proof leaf hash): every maximal subtree wholly outside the range.
 */
export function nmtRangeProofNodes(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array[] {
  const nodes: Uint8Array[] = [];
  const walk = (lo: number, hi: number): void => {
    if (hi <= start || lo >= end) {
      nodes.push(rootOf(leafHashes, lo, hi));
      return;
    }
    if (lo >= start && hi <= end) return;
    const k = splitPoint(hi - lo);
    walk(lo, lo + k);
    walk(lo + k, hi);
  };
  if (leafHashes.length > 0) walk(0, leafHashes.length);
  return nodes;
}

/** Recomputes the root from leaf hashes of [start, end) and the proof nodes; `undefined` if the nodes don't fit. */
export function nmtRootFromRangeProof(
  rangeLeafHashes: readonly Uint8Array[],
  start: number,
  end: number,
  total: number,
  proofNodes: readonly Uint8Array[],
): Uint8Array | undefined {
  let next = 0;
  const walk = (lo: number, hi: number): Uint8Array | undefined => {
    if (hi <= start || lo >= end) return proofNodes[next++];
    if (lo >= start && hi <= end) return rootOf(rangeLeafHashes, lo - start, hi - start);
    const k = splitPoint(hi - lo);
    const left = walk(lo, lo + k);
    const right = walk(lo + k, hi);
    return left && right ? nmtNodeHash(left, right) : undefined;
  };
  if (start < 0 || end > total || start >= end || rangeLeafHashes.length !== end - start) return undefined;
  const root = walk(0, total);
  return next === proofNodes.length ? root : undefined;
}
