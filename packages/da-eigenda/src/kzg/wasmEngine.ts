/**
 * The WebAssembly KZG engine: the same commitments as commitment.ts (the reference), computed with wasmcurves'
 * multi-scalar multiplication (Pippenger, bucket windows chosen by the library). The SRS is pre-processed once into
 * the library's affine Montgomery form and stays in the instance's memory; a commitment only writes the blob's words
 * (as little-endian scalars) next to it and runs one MSM per point:
 *   commitment = MSM(g1[0..n)), lengthCommitment = MSM(g2[0..n)), lengthProof = MSM(g2Trailing[M − len .. M − len + n))
 * Synchronous: call it from a worker thread (committer.ts) when the caller must stay responsive.
 */
import { assertBlobFieldElements, nextPowerOfTwo } from "../payload/encoding.ts";
import { createBn254Wasm, WASM_FIELD_BYTES, WASM_G1_AFFINE_BYTES, WASM_G2_AFFINE_BYTES } from "./bn254Wasm.ts";
import {
  BLOB_COMMITMENT_PARTS,
  type BlobCommitmentPart,
  type BlobCommitmentParts,
  blobCoefficientCount,
  completeBlobCommitment,
} from "./commitment.ts";
import type { KzgEngine } from "./engine.ts";
import { G1_UNCOMPRESSED_BYTES, G2_UNCOMPRESSED_BYTES } from "./points.ts";
import { type MachSrsSections, readMachSrsSections, type Srs, SrsError, serializeMachSrs } from "./srs.ts";

/** Builds the engine from a loaded SRS (serializes it to Mach's format once, then loads that). */
export function createWasmKzgEngine(srs: Srs): KzgEngine {
  return createWasmKzgEngineFromMachSrs(serializeMachSrs(srs));
}

/** Builds the engine straight from Mach SRS file bytes, without decoding the points in JS (a worker's fast start). */
export function createWasmKzgEngineFromMachSrs(bytes: Uint8Array): KzgEngine {
  return createFromSections(readMachSrsSections(bytes));
}

function createFromSections(srs: MachSrsSections): KzgEngine {
  const n = srs.numPoints;
  const curve = createBn254Wasm();
  const g1Bases = curve.alloc(n * WASM_G1_AFFINE_BYTES);
  const g2Bases = curve.alloc(n * WASM_G2_AFFINE_BYTES);
  const trailingBases = curve.alloc(n * WASM_G2_AFFINE_BYTES);
  const scalars = curve.alloc(n * WASM_FIELD_BYTES);
  curve.writeFieldElements(g1Bases, affineG1(srs.g1));
  curve.writeFieldElements(g2Bases, affineG2(srs.g2));
  curve.writeFieldElements(trailingBases, affineG2(srs.g2Trailing));

  /** Writes the blob's words as little-endian scalars (the last word right-padded with zeros); returns their count. */
  const loadScalars = (blob: Uint8Array): number => {
    const count = blobCoefficientCount(blob, n);
    assertBlobFieldElements(blob);
    const heap = curve.heap();
    for (let word = 0; word < count; word++) {
      const target = scalars + word * WASM_FIELD_BYTES;
      const source = word * WASM_FIELD_BYTES + WASM_FIELD_BYTES - 1;
      for (let i = 0; i < WASM_FIELD_BYTES; i++) heap[target + i] = blob[source - i] ?? 0;
    }
    return count;
  };

  const computeParts = (blob: Uint8Array, parts: readonly BlobCommitmentPart[]): BlobCommitmentParts => {
    const count = loadScalars(blob);
    const length = nextPowerOfTwo(count);
    const trailingStart = trailingBases + (n - length) * WASM_G2_AFFINE_BYTES;
    return {
      ...(parts.includes("commitment") ? { commitment: curve.msmG1(g1Bases, scalars, count) } : {}),
      ...(parts.includes("lengthCommitment") ? { lengthCommitment: curve.msmG2(g2Bases, scalars, count) } : {}),
      ...(parts.includes("lengthProof") ? { lengthProof: curve.msmG2(trailingStart, scalars, count) } : {}),
      length,
    };
  };

  return {
    name: "wasm",
    maxSymbols: n,
    computeG1Commitment: (blob) => curve.msmG1(g1Bases, scalars, loadScalars(blob)),
    computeBlobCommitment: (blob) => completeBlobCommitment(computeParts(blob, BLOB_COMMITMENT_PARTS)),
    computeBlobCommitmentParts: computeParts,
  };
}

/** Mach's uncompressed G1 (X ‖ Y, flag bits zero) is already the library's coordinate order; refuses infinity. */
function affineG1(section: Uint8Array): Uint8Array {
  assertNoInfinity(section, G1_UNCOMPRESSED_BYTES);
  return section;
}

/** Mach's uncompressed G2 is X.A1 ‖ X.A0 ‖ Y.A1 ‖ Y.A0; the library wants x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1 (c0 = A0). */
function affineG2(section: Uint8Array): Uint8Array {
  assertNoInfinity(section, G2_UNCOMPRESSED_BYTES);
  const out = new Uint8Array(section.length);
  for (let offset = 0; offset < section.length; offset += 2 * WASM_FIELD_BYTES) {
    out.set(section.subarray(offset + WASM_FIELD_BYTES, offset + 2 * WASM_FIELD_BYTES), offset);
    out.set(section.subarray(offset, offset + WASM_FIELD_BYTES), offset + WASM_FIELD_BYTES);
  }
  return out;
}

/**
 * The library's affine form has no point at infinity (its mixed addition would take (0, 0) for a point). A real SRS
 * never holds one ([τ^i] with τ ≠ 0); refuse rather than compute a wrong commitment.
 */
function assertNoInfinity(section: Uint8Array, pointBytes: number): void {
  for (let offset = 0; offset < section.length; offset += pointBytes) {
    if (((section[offset] as number) & 0xc0) !== 0) {
      throw new SrsError(`SRS point ${offset / pointBytes} is the point at infinity or not uncompressed`);
    }
  }
}
