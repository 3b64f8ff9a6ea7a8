/**
 * KZG opening proofs at a point z over the coefficient-form blob: π = [q(τ)]₁ with q(x) = (p(x) − p(z)) / (x − z),
 * checked with e(C − [p(z)]₁, [1]₂) = e(π, [τ]₂ − [z]₂). EigenDA's disperser does not need openings; they show the
 * client's commitment is a real KZG commitment and serve readers that check a single field element.
 */
import { pippenger } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import { blobToFieldElements } from "../payload/encoding.ts";
import { G1, type G1Point, G2 } from "./points.ts";
import { type Srs, SrsError } from "./srs.ts";

const Fr = bn254.fields.Fr;

export interface KzgOpening {
  readonly z: bigint;
  readonly y: bigint;
  readonly proof: G1Point;
}

export function computeKzgOpening(srs: Srs, blob: Uint8Array, z: bigint): KzgOpening {
  const p = blobToFieldElements(blob);
  if (p.length > srs.g1.length) throw new SrsError("blob exceeds the SRS");
  // Synthetic division by (x − z), highest coefficient first; the remainder is p(z).
  const q = new Array<bigint>(Math.max(p.length - 1, 0));
  let carry = 0n;
  for (let i = p.length - 1; i >= 0; i--) {
    carry = Fr.add(Fr.mul(carry, z), p[i] as bigint);
    if (i > 0) q[i - 1] = carry;
  }
  const proof = q.length === 0 ? G1.ZERO : pippenger(G1, srs.g1.slice(0, q.length) as G1Point[], q);
  return { z: Fr.create(z), y: carry, proof };
}

export function verifyKzgOpening(srs: Srs, commitment: G1Point, opening: KzgOpening): boolean {
  const tauG2 = srs.g2[1];
  if (!tauG2) throw new SrsError("SRS needs at least two G2 points to verify openings");
  const left = commitment.subtract(G1.BASE.multiplyUnsafe(opening.y));
  const right = tauG2.subtract(G2.BASE.multiplyUnsafe(opening.z));
  // e(L, [1]₂) · e(−π, [τ − z]₂) = 1; handle the identity points noble's pairing rejects.
  if (left.is0() || opening.proof.is0() || right.is0()) {
    return left.is0() && (opening.proof.is0() || right.is0());
  }
  const gt = bn254.pairingBatch([
    { g1: left, g2: G2.BASE },
    { g1: opening.proof.negate(), g2: right },
  ]);
  return bn254.fields.Fp12.eql(gt, bn254.fields.Fp12.ONE);
}
