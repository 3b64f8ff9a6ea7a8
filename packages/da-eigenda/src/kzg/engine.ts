/**
 * A KZG engine computes EigenDA blob commitments over one SRS. Two implementations give the same points:
 * - "wasm" (default): multi-scalar multiplications in WebAssembly (wasmEngine.ts, iden3's wasmcurves), the SRS kept in
 *   the module's memory in the library's point format;
 * - "reference": the pure-JS code of commitment.ts (@noble/curves), what the WASM engine is tested against.
 */
import type { BlobCommitment, BlobCommitmentPart, BlobCommitmentParts } from "./commitment.ts";
import { createReferenceKzgEngine } from "./commitment.ts";
import type { G1Point } from "./points.ts";
import type { Srs } from "./srs.ts";
import { createWasmKzgEngine } from "./wasmEngine.ts";

export const KZG_ENGINE_NAMES = ["wasm", "reference"] as const;
export type KzgEngineName = (typeof KZG_ENGINE_NAMES)[number];
export const DEFAULT_KZG_ENGINE: KzgEngineName = "wasm";

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

export function createKzgEngine(name: KzgEngineName, srs: Srs): KzgEngine {
  return name === "wasm" ? createWasmKzgEngine(srs) : createReferenceKzgEngine(srs);
}
