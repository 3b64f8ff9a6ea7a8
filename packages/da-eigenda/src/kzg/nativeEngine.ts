/**
 * The native KZG engine: the same commitments as commitment.ts (the reference), computed by the C addon in native/
 * (BN254 Montgomery arithmetic, Pippenger MSMs with signed window digits and batch-affine buckets), with the SRS
 * resident in the addon as Montgomery-form affine points:
 *   commitment = MSM(g1[0..n)), lengthCommitment = MSM(g2[0..n)), lengthProof = MSM(g2Trailing[M − len .. M − len + n))
 * A blob's words are recoded into window digits once, in C, and serve the three MSMs. Computing is synchronous: call
 * it from a worker thread (committer.ts) when the caller must stay responsive. Creating the engine throws
 * NativeKzgUnavailableError when the addon cannot be built or loaded (engine.ts then falls back to mcl by default).
 */
import { assertBlobFieldElements, nextPowerOfTwo } from "../payload/encoding.ts";
import {
  BLOB_COMMITMENT_PARTS,
  type BlobCommitmentPart,
  type BlobCommitmentParts,
  blobCoefficientCount,
  completeBlobCommitment,
} from "./commitment.ts";
import type { KzgEngine } from "./engine.ts";
import {
  loadNativeKzgAddon,
  NATIVE_MSM_METHODS,
  NATIVE_PART_COMMITMENT,
  NATIVE_PART_LENGTH_COMMITMENT,
  NATIVE_PART_LENGTH_PROOF,
  type NativeMsmMethod,
} from "./nativeAddon.ts";
import { g1FromBytes, g2FromBytes } from "./points.ts";
import { type MachSrsSections, readMachSrsSections, type Srs, SrsError, serializeMachSrs } from "./srs.ts";

export class NativeKzgUnavailableError extends Error {
  override name = "NativeKzgUnavailableError";
}

const PART_BITS: Record<BlobCommitmentPart, number> = {
  commitment: NATIVE_PART_COMMITMENT,
  lengthCommitment: NATIVE_PART_LENGTH_COMMITMENT,
  lengthProof: NATIVE_PART_LENGTH_PROOF,
};

export interface NativeKzgEngineOptions {
  /** How the MSMs fill their buckets (default "auto": by estimated cost); tests force each method. */
  readonly method?: NativeMsmMethod;
}

/** Builds the engine from a loaded SRS (serializes it to Mach's format once, then loads that). */
export function createNativeKzgEngine(srs: Srs, options: NativeKzgEngineOptions = {}): Promise<KzgEngine> {
  return createNativeKzgEngineFromMachSrs(serializeMachSrs(srs), options);
}

/** Builds the engine straight from Mach SRS file bytes, without decoding the points in JS (a worker's fast start). */
export async function createNativeKzgEngineFromMachSrs(
  bytes: Uint8Array,
  options: NativeKzgEngineOptions = {},
): Promise<KzgEngine> {
  return createFromSections(readMachSrsSections(bytes), options);
}

function createFromSections(srs: MachSrsSections, options: NativeKzgEngineOptions): KzgEngine {
  const status = loadNativeKzgAddon();
  if (!status.available) throw new NativeKzgUnavailableError(`the native KZG engine is unavailable: ${status.reason}`);
  const { addon } = status;
  const n = srs.numPoints;
  const method = NATIVE_MSM_METHODS[options.method ?? "auto"];
  let handle: ReturnType<typeof addon.loadSrs>;
  try {
    handle = addon.loadSrs(srs.g1, srs.g2, srs.g2Trailing, n);
  } catch (error) {
    throw new SrsError((error as Error).message, { cause: error });
  }

  const computeParts = (blob: Uint8Array, parts: readonly BlobCommitmentPart[]): BlobCommitmentParts => {
    const count = blobCoefficientCount(blob, n);
    assertBlobFieldElements(blob);
    const length = nextPowerOfTwo(count);
    const bits = parts.reduce((sum, part) => sum | PART_BITS[part], 0);
    const [commitment, lengthCommitment, lengthProof] = addon.commit(handle, blob, count, bits, n - length, method);
    return {
      ...(commitment ? { commitment: g1FromBytes(commitment) } : {}),
      ...(lengthCommitment ? { lengthCommitment: g2FromBytes(lengthCommitment, { checkSubgroup: false }) } : {}),
      ...(lengthProof ? { lengthProof: g2FromBytes(lengthProof, { checkSubgroup: false }) } : {}),
      length,
    };
  };

  return {
    name: "native",
    maxSymbols: n,
    computeG1Commitment: (blob) => {
      const { commitment } = computeParts(blob, ["commitment"]);
      if (!commitment) throw new SrsError("native engine returned no commitment");
      return commitment;
    },
    computeBlobCommitment: (blob) => completeBlobCommitment(computeParts(blob, BLOB_COMMITMENT_PARTS)),
    computeBlobCommitmentParts: computeParts,
  };
}
