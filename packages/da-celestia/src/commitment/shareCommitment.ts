/**
 * The blob share commitment (go-square v4 `inclusion/commitment.go` `CreateCommitment`, with
 * `SubtreeRootThreshold = 64`): split the blob into shares, cut them into a Merkle mountain range of subtrees no wider
 * than the subtree width, take each subtree's NMT root (leaves are `ns ‖ share`), and RFC-6962-hash those roots.
 * Deterministic, so the client knows a blob's pointer commitment before the node answers.
 */
import { concatBytes } from "../bytes.ts";
import { validateBlobNamespace } from "../namespace.ts";
import { merkleRoot } from "./merkle.ts";
import { nmtRoot } from "./nmt.ts";
import { SHARE_VERSION_ZERO, type ShareVersion, splitBlobIntoShares } from "./shares.ts";

/** celestia-app `appconsts.SubtreeRootThreshold` ("DO NOT MODIFY"). */
export const SUBTREE_ROOT_THRESHOLD = 64;
export const SHARE_COMMITMENT_SIZE = 32;

export function roundUpPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function roundDownPowerOfTwo(n: number): number {
  if (n < 1) throw new RangeError(`input ${n} must be positive`);
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** go-square `SubTreeWidth`: min(roundUpPow2(ceil(n / threshold)), roundUpPow2(ceil(sqrt(n)))). */
export function subtreeWidth(shareCount: number, threshold: number = SUBTREE_ROOT_THRESHOLD): number {
  const byThreshold = roundUpPowerOfTwo(Math.ceil(shareCount / threshold));
  const minSquareSize = roundUpPowerOfTwo(Math.ceil(Math.sqrt(shareCount)));
  return Math.min(byThreshold, minSquareSize);
}

/** go-square `MerkleMountainRangeSizes`: full trees of `maxTreeSize`, then descending powers of two. */
export function merkleMountainRangeSizes(totalSize: number, maxTreeSize: number): number[] {
  const sizes: number[] = [];
  let remaining = totalSize;
  while (remaining > 0) {
    const size = remaining >= maxTreeSize ? maxTreeSize : roundDownPowerOfTwo(remaining);
    sizes.push(size);
    remaining -= size;
  }
  return sizes;
}

/** The NMT roots of the blob's subtrees, in order: the leaves of the commitment's Merkle tree. */
export function shareCommitmentSubtreeRoots(
  namespace: Uint8Array,
  data: Uint8Array,
  shareVersion: ShareVersion = SHARE_VERSION_ZERO,
  signer?: Uint8Array,
): Uint8Array[] {
  validateBlobNamespace(namespace);
  const shares = splitBlobIntoShares(
    signer === undefined ? { namespace, data, shareVersion } : { namespace, data, shareVersion, signer },
  );
  const sizes = merkleMountainRangeSizes(shares.length, subtreeWidth(shares.length));
  const roots: Uint8Array[] = [];
  let cursor = 0;
  for (const size of sizes) {
    const leaves = shares.slice(cursor, cursor + size).map((share) => concatBytes(namespace, share));
    roots.push(nmtRoot(leaves));
    cursor += size;
  }
  return roots;
}

/** The 32-byte share commitment of a blob (what `blob.Get` takes and a pointer holds). */
export function computeShareCommitment(
  namespace: Uint8Array,
  data: Uint8Array,
  shareVersion: ShareVersion = SHARE_VERSION_ZERO,
  signer?: Uint8Array,
): Uint8Array {
  return merkleRoot(shareCommitmentSubtreeRoots(namespace, data, shareVersion, signer));
}
