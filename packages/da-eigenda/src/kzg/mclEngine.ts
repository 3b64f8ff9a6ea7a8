/**
 * The mcl-wasm KZG engine: the same commitments as commitment.ts (the reference), with the SRS resident in mcl-wasm's
 * heap as affine points and each MSM run by bucketMsm.ts over the library's point additions:
 *   commitment = MSM(g1[0..n)), lengthCommitment = MSM(g2[0..n)), lengthProof = MSM(g2Trailing[M − len .. M − len + n))
 * A blob's words are recoded into window digits once and serve the three MSMs. Creating the engine is asynchronous
 * (the library's one-time initialisation in the thread); computing is synchronous: call it from a worker thread
 * (committer.ts) when the caller must stay responsive.
 */
import { assertBlobFieldElements, nextPowerOfTwo } from "../payload/encoding.ts";
import { type Bn254Mcl, loadBn254Mcl, type MclGroup } from "./bn254Mcl.ts";
import { blobWindowDigits, bucketMsm, bucketMsmScratchPoints, msmWindowBits, type WindowDigits } from "./bucketMsm.ts";
import {
  BLOB_COMMITMENT_PARTS,
  type BlobCommitmentPart,
  type BlobCommitmentParts,
  blobCoefficientCount,
  completeBlobCommitment,
} from "./commitment.ts";
import type { KzgEngine } from "./engine.ts";
import { type MachSrsSections, readMachSrsSections, type Srs, serializeMachSrs } from "./srs.ts";

/** Builds the engine from a loaded SRS (serializes it to Mach's format once, then loads that). */
export function createMclKzgEngine(srs: Srs): Promise<KzgEngine> {
  return createMclKzgEngineFromMachSrs(serializeMachSrs(srs));
}

/** Builds the engine straight from Mach SRS file bytes, without decoding the points in JS (a worker's fast start). */
export async function createMclKzgEngineFromMachSrs(bytes: Uint8Array): Promise<KzgEngine> {
  const sections = readMachSrsSections(bytes);
  return createFromSections(await loadBn254Mcl(), sections);
}

/**
 * Where an engine's points live in the instance's heap. Every method of the engine reads its addresses from this
 * object, so the registry below frees them only once nothing can call the engine any more (a method kept without
 * its engine keeps them too).
 */
interface EngineHeap {
  readonly g1Bases: number;
  readonly g2Bases: number;
  readonly trailingBases: number;
  /** Buckets and accumulators, sized for G2 points and the largest window. */
  readonly scratch: number;
  readonly result: number;
}

/** Gives an engine's heap back to mcl-wasm once the engine is garbage (the instance lives as long as the thread). */
const heapOwners = new FinalizationRegistry<{ curve: Bn254Mcl; pointers: number[] }>(({ curve, pointers }) => {
  for (const pointer of pointers) curve.free(pointer);
});

function createFromSections(curve: Bn254Mcl, srs: MachSrsSections): KzgEngine {
  const n = srs.numPoints;
  const { g1, g2 } = curve;
  // The window grows with the point count: n symbols use the largest.
  const maxWindowBits = msmWindowBits(n);
  const heap = allocateHeap(curve, srs, maxWindowBits);

  const digitsOf = (blob: Uint8Array): WindowDigits => {
    const count = blobCoefficientCount(blob, n);
    assertBlobFieldElements(blob);
    return blobWindowDigits(blob, count, Math.min(msmWindowBits(count), maxWindowBits));
  };
  const msm = <P>(group: MclGroup<P>, bases: number, digits: WindowDigits): P => {
    bucketMsm(group, group.pointBytes, heap.result, bases, digits, heap.scratch);
    return group.read(heap.result);
  };

  const computeParts = (blob: Uint8Array, parts: readonly BlobCommitmentPart[]): BlobCommitmentParts => {
    const digits = digitsOf(blob);
    const length = nextPowerOfTwo(digits.count);
    const trailingStart = heap.trailingBases + (n - length) * g2.pointBytes;
    return {
      ...(parts.includes("commitment") ? { commitment: msm(g1, heap.g1Bases, digits) } : {}),
      ...(parts.includes("lengthCommitment") ? { lengthCommitment: msm(g2, heap.g2Bases, digits) } : {}),
      ...(parts.includes("lengthProof") ? { lengthProof: msm(g2, trailingStart, digits) } : {}),
      length,
    };
  };

  heapOwners.register(heap, { curve, pointers: Object.values(heap) });
  return {
    name: "mcl",
    maxSymbols: n,
    computeG1Commitment: (blob) => msm(g1, heap.g1Bases, digitsOf(blob)),
    computeBlobCommitment: (blob) => completeBlobCommitment(computeParts(blob, BLOB_COMMITMENT_PARTS)),
    computeBlobCommitmentParts: computeParts,
  };
}

/** Allocates an engine's heap and writes the SRS into it; frees it all if a point is refused. */
function allocateHeap(curve: Bn254Mcl, srs: MachSrsSections, maxWindowBits: number): EngineHeap {
  const n = srs.numPoints;
  const { g1, g2 } = curve;
  const pointers: number[] = [];
  const alloc = (bytes: number) => {
    const pointer = curve.alloc(bytes);
    pointers.push(pointer);
    return pointer;
  };
  try {
    const heap: EngineHeap = {
      g1Bases: alloc(n * g1.pointBytes),
      g2Bases: alloc(n * g2.pointBytes),
      trailingBases: alloc(n * g2.pointBytes),
      scratch: alloc(bucketMsmScratchPoints(maxWindowBits) * g2.pointBytes),
      result: alloc(g2.pointBytes),
    };
    curve.writeG1Points(heap.g1Bases, srs.g1);
    curve.writeG2Points(heap.g2Bases, srs.g2);
    curve.writeG2Points(heap.trailingBases, srs.g2Trailing);
    return heap;
  } catch (error) {
    for (const pointer of pointers) curve.free(pointer);
    throw error;
  }
}
