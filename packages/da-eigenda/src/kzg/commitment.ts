/**
 * EigenDA v2 blob commitments (encoding/v2/kzg/committer/committer.go, da.md §1.7). The blob's 32-byte words are the
 * coefficients c_i of a polynomial p; with n words and blobLen = nextPow2(n):
 *   commitment       = Σ c_i·[τ^i]₁                        (MSM over G1)
 *   lengthCommitment = Σ c_i·[τ^i]₂                        (MSM over G2)
 *   lengthProof      = Σ c_i·[τ^(N − blobLen + i)]₂        (MSM over the trailing G2 points; proves deg p < blobLen)
 *   length           = blobLen
 * MSMs use Pippenger's bucket method (@noble/curves `pippenger`). This is the pure-JS reference: the mcl-wasm engine
 * (mclEngine.ts) must give the same points, byte for byte.
 */
import { pippenger } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import { blobToFieldElements, nextPowerOfTwo } from "../payload/encoding.ts";
import type { KzgEngine } from "./engine.ts";
import {
  G1,
  type G1Point,
  G2,
  type G2Point,
  g1FromBytes,
  g1ToCompressed,
  g2FromBytes,
  g2ToCompressed,
} from "./points.ts";
import { type Srs, SrsError } from "./srs.ts";

export interface BlobCommitment {
  readonly commitment: G1Point;
  readonly lengthCommitment: G2Point;
  readonly lengthProof: G2Point;
  /** Blob length in symbols, a power of two. */
  readonly length: number;
}

/** The protobuf `common.BlobCommitment` shape: gnark-compressed points. */
export interface BlobCommitmentBytes {
  readonly commitment: Uint8Array;
  readonly lengthCommitment: Uint8Array;
  readonly lengthProof: Uint8Array;
  readonly length: number;
}

/** The points of a BlobCommitment; each can be computed on its own (a worker pool spreads them over threads). */
export type BlobCommitmentPart = "commitment" | "lengthCommitment" | "lengthProof";
export const BLOB_COMMITMENT_PARTS: readonly BlobCommitmentPart[] = ["commitment", "lengthCommitment", "lengthProof"];

/** Some of a BlobCommitment's points, and always its length. */
export type BlobCommitmentParts = Partial<Pick<BlobCommitment, BlobCommitmentPart>> & { readonly length: number };

/** Joins parts that together hold every point; throws if one is missing. */
export function completeBlobCommitment(parts: BlobCommitmentParts): BlobCommitment {
  const { commitment, lengthCommitment, lengthProof, length } = parts;
  if (!commitment || !lengthCommitment || !lengthProof) throw new SrsError("blob commitment is missing a point");
  return { commitment, lengthCommitment, lengthProof, length };
}

/** Largest blob, in symbols, the SRS can commit to. */
export function srsMaxSymbols(srs: Srs): number {
  return Math.min(srs.g1.length, srs.g2.length, srs.g2Trailing.length);
}

/** Only the G1 commitment: what a reader checks against the certificate after fetching a blob. */
export function computeG1Commitment(srs: Srs, blob: Uint8Array): G1Point {
  const coefficients = coefficientsFor(srs, blob);
  return msmG1(srs.g1.slice(0, coefficients.length), coefficients);
}

export function computeBlobCommitment(srs: Srs, blob: Uint8Array): BlobCommitment {
  return completeBlobCommitment(computeBlobCommitmentParts(srs, blob, BLOB_COMMITMENT_PARTS));
}

export function computeBlobCommitmentParts(
  srs: Srs,
  blob: Uint8Array,
  parts: readonly BlobCommitmentPart[],
): BlobCommitmentParts {
  const coefficients = coefficientsFor(srs, blob);
  const n = coefficients.length;
  const blobLength = nextPowerOfTwo(n);
  const trailingStart = srs.g2Trailing.length - blobLength;
  return {
    ...(parts.includes("commitment") ? { commitment: msmG1(srs.g1.slice(0, n), coefficients) } : {}),
    ...(parts.includes("lengthCommitment") ? { lengthCommitment: msmG2(srs.g2.slice(0, n), coefficients) } : {}),
    ...(parts.includes("lengthProof")
      ? { lengthProof: msmG2(srs.g2Trailing.slice(trailingStart, trailingStart + n), coefficients) }
      : {}),
    length: blobLength,
  };
}

/**
 * Number of coefficients (32-byte words, the last one right-padded) of a blob the SRS can commit to; throws when the
 * blob is empty or its power-of-two length exceeds the SRS.
 */
export function blobCoefficientCount(blob: Uint8Array, maxSymbols: number): number {
  if (blob.length === 0) throw new SrsError("cannot commit to an empty blob");
  const count = Math.ceil(blob.length / 32);
  if (nextPowerOfTwo(count) > maxSymbols) {
    throw new SrsError(`blob of ${count} symbols exceeds the SRS (${maxSymbols} points)`);
  }
  return count;
}

function coefficientsFor(srs: Srs, blob: Uint8Array): bigint[] {
  blobCoefficientCount(blob, srsMaxSymbols(srs));
  return blobToFieldElements(blob);
}

/** The pure-JS reference as a `KzgEngine`. */
export function createReferenceKzgEngine(srs: Srs): KzgEngine {
  return {
    name: "reference",
    maxSymbols: srsMaxSymbols(srs),
    computeG1Commitment: (blob) => computeG1Commitment(srs, blob),
    computeBlobCommitment: (blob) => computeBlobCommitment(srs, blob),
    computeBlobCommitmentParts: (blob, parts) => computeBlobCommitmentParts(srs, blob, parts),
  };
}

function msmG1(points: readonly G1Point[], scalars: bigint[]): G1Point {
  return pippenger(G1, points as G1Point[], scalars);
}

function msmG2(points: readonly G2Point[], scalars: bigint[]): G2Point {
  return pippenger(G2, points as G2Point[], scalars);
}

export function blobCommitmentToBytes(c: BlobCommitment): BlobCommitmentBytes {
  return {
    commitment: g1ToCompressed(c.commitment),
    lengthCommitment: g2ToCompressed(c.lengthCommitment),
    lengthProof: g2ToCompressed(c.lengthProof),
    length: c.length,
  };
}

/** Parses the wire form; checks curve and subgroup membership as EigenDA's `BlobHeaderFromProtobuf` does. */
export function blobCommitmentFromBytes(c: BlobCommitmentBytes): BlobCommitment {
  return {
    commitment: g1FromBytes(c.commitment),
    lengthCommitment: g2FromBytes(c.lengthCommitment),
    lengthProof: g2FromBytes(c.lengthProof),
    length: c.length,
  };
}

export function blobCommitmentsEqual(a: BlobCommitment, b: BlobCommitment): boolean {
  return (
    a.length === b.length &&
    a.commitment.equals(b.commitment) &&
    a.lengthCommitment.equals(b.lengthCommitment) &&
    a.lengthProof.equals(b.lengthProof)
  );
}

/**
 * Pairing checks that tie the three points together (no knowledge of τ needed):
 *   e(C, [1]₂) = e([1]₁, lengthCommitment)                       (same polynomial in G1 and G2)
 *   e(C, [τ^(N − blobLen)]₂) = e([1]₁, lengthProof)              (lengthProof is p shifted by N − blobLen)
 */
export function verifyBlobCommitmentPairings(srs: Srs, c: BlobCommitment): boolean {
  const shift = srs.g2Trailing[srs.g2Trailing.length - c.length];
  if (!shift) return false;
  if (c.commitment.is0()) return c.lengthCommitment.is0() && c.lengthProof.is0();
  // Both equations at once with a random 128-bit ρ: e(C, [1]₂ + ρ·[τ^(N−len)]₂) = e([1]₁, LC + ρ·LP). A wrong LC or
  // LP passes with probability 2^-128; it costs two Miller loops and one final exponentiation instead of four/two.
  const rho = BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex")}`) | 1n;
  const right = c.lengthCommitment.add(c.lengthProof.multiplyUnsafe(rho));
  const left = G2.BASE.add(shift.multiplyUnsafe(rho));
  if (right.is0() || left.is0()) return false;
  return bn254.fields.Fp12.eql(
    bn254.pairingBatch([
      { g1: c.commitment, g2: left },
      { g1: G1.BASE.negate(), g2: right },
    ]),
    bn254.fields.Fp12.ONE,
  );
}

/** Below this many symbols two G2 MSMs are cheaper than a pairing check. */
const PAIRING_CHECK_MIN_SYMBOLS = 128;

/**
 * Checks a claimed commitment against a blob the way the disperser must (recompute and compare). For large blobs
 * only the G1 MSM is recomputed and the two G2 points are checked against it with a pairing, which pins them down
 * (the pairing is non-degenerate and G2 has prime order) at a fraction of the cost of two G2 MSMs. The MSMs run on
 * `engine` (default: the pure-JS reference over `srs`).
 */
export function blobMatchesCommitment(
  srs: Srs,
  blob: Uint8Array,
  claimed: BlobCommitment,
  engine: KzgEngine = createReferenceKzgEngine(srs),
): boolean {
  const count = blobCoefficientCount(blob, engine.maxSymbols);
  if (claimed.length !== nextPowerOfTwo(count)) return false;
  if (count < PAIRING_CHECK_MIN_SYMBOLS) {
    return blobCommitmentsEqual(engine.computeBlobCommitment(blob), claimed);
  }
  if (!engine.computeG1Commitment(blob).equals(claimed.commitment)) return false;
  return verifyBlobCommitmentPairings(srs, claimed);
}
