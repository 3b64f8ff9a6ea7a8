/**
 * A KZG engine computes EigenDA blob commitments over one SRS. Two implementations give the same points:
 * - "mcl" (default): bucket MSMs in WebAssembly over herumi's mcl-wasm (BSD-3-Clause) point additions
 *   (mclEngine.ts), the SRS kept in the library's heap;
 * - "reference": the pure-JS code of commitment.ts (@noble/curves), what the mcl engine is tested against.
 * Creating an engine is asynchronous (mcl-wasm initialises once per thread); its computations are synchronous.
 */
import type { BlobCommitment, BlobCommitmentPart, BlobCommitmentParts } from "./commitment.ts";
import { createReferenceKzgEngine } from "./commitment.ts";
import { createMclKzgEngine } from "./mclEngine.ts";
import type { G1Point } from "./points.ts";
import type { Srs } from "./srs.ts";

export const KZG_ENGINE_NAMES = ["mcl", "reference"] as const;
export type KzgEngineName = (typeof KZG_ENGINE_NAMES)[number];
export const DEFAULT_KZG_ENGINE: KzgEngineName = "mcl";

export interface KzgEngine {
  readonly name: KzgEngineName;
  /** Largest blob, in symbols, the SRS can commit to. */
  readonly maxSymbols: number;
  /** Only the G1 commitment: what a reader checks against the certificate after fetching a blob. */
  computeG1Commitment(blob: Uint8Array): G1Point;
  /** Commitment, length commitment, length proof and length. */
  computeBlobCommitment(blob: Uint8Array): BlobCommitment;
  /** Only the named points of `computeBlobCommitment` (and the length). */
  computeBlobCommitmentParts(blob: Uint8Array, parts: readonly BlobCommitmentPart[]): BlobCommitmentParts;
}

export async function createKzgEngine(name: KzgEngineName, srs: Srs): Promise<KzgEngine> {
  return name === "mcl" ? createMclKzgEngine(srs) : createReferenceKzgEngine(srs);
}
