/**
 * The native KZG engine: the same commitments as commitment.ts (the reference), computed by the C addon in native/
 * (BN254 Montgomery arithmetic, Pippenger MSMs with signed window digits and batch-affine buckets), with the SRS
 * resident in the addon as Montgomery-form affine points:
 *   commitment = MSM(g1[0..n)), lengthCommitment = MSM(g2[0..n)), lengthProof = MSM(g2Trailing[M − len .. M − len + n))
 * A blob's words are recoded into window digits once, in C, and serve the three MSMs. By default the addon also keeps
 * fixed-base tables (2^(k·c) times every SRS point, for every window k of width c): all windows then share one set of
 * buckets, reduced once, with no doublings, and the width can be wider than a plain MSM's. Measured on one core (A/B
 * in the package README): full commitments 1.79× faster for 128 KiB blobs, 1.44× for 1 MiB, 1.27× for 2 MiB. The
 * cost is ⌈255 / c⌉ times the SRS's memory (178 MB for 32,768 points at c = 15; at most 512 MiB) and ~6 s of CPU to
 * build them when the engine is created (~0.5 s for the devnet's 4,096 points). Computing is synchronous: call it
 * from a worker thread (committer.ts) when the caller must stay responsive. Creating the engine throws
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
  NATIVE_MAX_TABLE_BITS,
  NATIVE_MIN_TABLE_BITS,
  NATIVE_MSM_METHODS,
  NATIVE_PART_COMMITMENT,
  NATIVE_PART_LENGTH_COMMITMENT,
  NATIVE_PART_LENGTH_PROOF,
  NATIVE_TABLE_BITS_AUTO,
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

/** Fixed-base tables: "auto", "off", or a width in bits (NATIVE_MIN_TABLE_BITS..NATIVE_MAX_TABLE_BITS). */
export type NativeKzgTables = "auto" | "off" | number;

export interface NativeKzgEngineOptions {
  /** How the MSMs fill their buckets (default "auto": by estimated cost); tests force each method. */
  readonly method?: NativeMsmMethod;
  /**
   * Fixed-base tables: "auto" (default: the width, ≤ 15 bits, of least estimated cost within 512 MiB), "off", or a width in
   * bits (NATIVE_MIN_TABLE_BITS..NATIVE_MAX_TABLE_BITS; tests use narrow ones).
   */
  readonly tables?: NativeKzgTables;
}

function tableBitsArgument(tables: NativeKzgEngineOptions["tables"] = "auto"): number {
  if (tables === "auto") return NATIVE_TABLE_BITS_AUTO;
  if (tables === "off") return 0;
  if (!Number.isInteger(tables) || tables < NATIVE_MIN_TABLE_BITS || tables > NATIVE_MAX_TABLE_BITS) {
    throw new RangeError(
      `tables must be "auto", "off" or a width of ${NATIVE_MIN_TABLE_BITS} to ${NATIVE_MAX_TABLE_BITS} bits, got ${tables}`,
    );
  }
  return tables;
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
  const tableBits = tableBitsArgument(options.tables);
  let handle: ReturnType<typeof addon.loadSrs>;
  try {
    handle = addon.loadSrs(srs.g1, srs.g2, srs.g2Trailing, n, tableBits);
  } catch (error) {
    throw new SrsError((error as Error).message, { cause: error });
  }

  const resident = addon.srsInfo(handle);
  const megabytes = `${(resident.bytes / 1e6).toFixed(0)} MB`;
  const details =
    resident.tableBits > 0
      ? `fixed-base tables of ${resident.tableBits} bits, ${megabytes} with the SRS`
      : `no fixed-base tables, SRS ${megabytes}`;

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
    details,
    computeG1Commitment: (blob) => {
      const { commitment } = computeParts(blob, ["commitment"]);
      if (!commitment) throw new SrsError("native engine returned no commitment");
      return commitment;
    },
    computeBlobCommitment: (blob) => completeBlobCommitment(computeParts(blob, BLOB_COMMITMENT_PARTS)),
    computeBlobCommitmentParts: computeParts,
  };
}
