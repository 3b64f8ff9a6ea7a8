/**
 * Structured reference strings for EigenDA's KZG commitments.
 *
 * An `Srs` holds, for a secret τ and an SRS order N (EigenDA: 2^28):
 *   g1[i]         = [τ^i]₁                 i < numPoints   (commitment)
 *   g2[i]         = [τ^i]₂                 i < numPoints   (length commitment)
 *   g2Trailing[j] = [τ^(N − M + j)]₂       j < M = numPoints (length proof; EigenDA's g2.trailing.point)
 * A blob of n symbols needs n ≤ numPoints.
 *
 * Two sources:
 * - `generateInsecureDevSrs`: τ is a fixed, PUBLIC constant. Anyone can forge openings. Devnet and tests only.
 *   Saved in Mach's own file format (see `writeMachSrsFile`).
 * - `loadGnarkSrsFiles`: EigenDA's `g1.point`, `g2.point`, `g2.trailing.point` (gnark-compressed points, 32 B per G1
 *   and 64 B per G2, no header; resources/srs in Layr-Labs/eigenda). Only the first `numPoints` G1/G2 points and the
 *   last `numPoints` trailing points are read.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { open, readFile, rename, writeFile } from "node:fs/promises";
import { bn254 } from "@noble/curves/bn254.js";
import { sha256 } from "@noble/hashes/sha2.js";
import {
  G1,
  G1_COMPRESSED_BYTES,
  G1_UNCOMPRESSED_BYTES,
  type G1Point,
  G2,
  G2_COMPRESSED_BYTES,
  G2_UNCOMPRESSED_BYTES,
  type G2Point,
  g1FromBytes,
  g1ToUncompressed,
  g2FromBytes,
  g2ToUncompressed,
} from "./points.ts";

const Fr = bn254.fields.Fr;

/** EigenDA's SRS order: the Perpetual Powers of Tau ceremony has 2^28 powers. */
export const EIGENDA_SRS_ORDER = 2n ** 28n;

export interface Srs {
  /** SRS order N; the length proof uses [τ^(N − blobLen + i)]₂. */
  readonly order: bigint;
  readonly g1: readonly G1Point[];
  readonly g2: readonly G2Point[];
  readonly g2Trailing: readonly G2Point[];
  /** True when τ is publicly known (the dev SRS): commitments prove nothing. */
  readonly insecure: boolean;
}

export class SrsError extends Error {
  override name = "SrsError";
}

/**
 * INSECURE. The devnet SRS secret, published here on purpose: sha256("mach/eigenda INSECURE devnet SRS tau") mod r.
 * Knowing τ lets anyone open a commitment to any value. Never use an SRS built from it outside devnets and tests.
 */
export const INSECURE_DEV_SRS_TAU: bigint = Fr.create(
  BigInt(`0x${Buffer.from(sha256(new TextEncoder().encode("mach/eigenda INSECURE devnet SRS tau"))).toString("hex")}`),
);

export interface GenerateInsecureDevSrsParameters {
  /** Number of points; the largest blob it can commit has this many 32-byte symbols. Power of two. */
  readonly numPoints: number;
  /** SRS order N; defaults to EigenDA's 2^28 so length proofs have the same shape. */
  readonly order?: bigint;
  /** Defaults to `INSECURE_DEV_SRS_TAU`. Tests may pick another to show a wrong SRS is detected. */
  readonly tau?: bigint;
}

let basePrecomputed = false;

/** The parameters with their defaults, checked: a power-of-two point count no larger than the order. */
export function devSrsParameters(
  parameters: GenerateInsecureDevSrsParameters,
): Required<GenerateInsecureDevSrsParameters> {
  const { numPoints } = parameters;
  const order = parameters.order ?? EIGENDA_SRS_ORDER;
  const tau = parameters.tau ?? INSECURE_DEV_SRS_TAU;
  if (!Number.isInteger(numPoints) || numPoints < 1 || (numPoints & (numPoints - 1)) !== 0) {
    throw new SrsError(`numPoints must be a power of two, got ${numPoints}`);
  }
  if (BigInt(numPoints) > order) throw new SrsError("numPoints exceeds the SRS order");
  return { numPoints, order, tau };
}

/** Index i's scalars: τ^i (G1 and G2) and τ^(order − numPoints + i) (trailing G2), for i < numPoints. */
export function* devSrsScalars(parameters: Required<GenerateInsecureDevSrsParameters>): Generator<[bigint, bigint]> {
  const { numPoints, order, tau } = parameters;
  let power = Fr.ONE;
  let trailingPower = Fr.pow(tau, order - BigInt(numPoints));
  for (let i = 0; i < numPoints; i++) {
    yield [power, trailingPower];
    power = Fr.mul(power, tau);
    trailingPower = Fr.mul(trailingPower, tau);
  }
}

/**
 * Builds a dev SRS from a publicly known τ. INSECURE: for devnets and tests only. Cost is about 0.3 ms per G1 point
 * and 1 ms per G2 point (two G2 points per index), so 4,096 points take ~10 s; cache the result with
 * `writeMachSrsFile`. The reference for `generateInsecureDevSrsWithMcl` (devSrsMcl.ts: the same points, 2.5–3× faster).
 */
export function generateInsecureDevSrs(parameters: GenerateInsecureDevSrsParameters): Srs {
  const { numPoints, order, tau } = devSrsParameters(parameters);
  if (!basePrecomputed && numPoints >= 2048) {
    // A wider fixed-base window (12 bits instead of 8) makes each base multiplication ~3x faster; building the
    // tables costs a few seconds, worth it only for large SRSs.
    G1.BASE.precompute(12, false);
    G2.BASE.precompute(12, false);
    basePrecomputed = true;
  }
  const g1: G1Point[] = [];
  const g2: G2Point[] = [];
  const g2Trailing: G2Point[] = [];
  for (const [power, trailingPower] of devSrsScalars({ numPoints, order, tau })) {
    g1.push(G1.BASE.multiply(power));
    g2.push(G2.BASE.multiply(power));
    g2Trailing.push(G2.BASE.multiply(trailingPower));
  }
  return { order, g1, g2, g2Trailing, insecure: true };
}

// Mach SRS file: "MACHSRS" ‖ 0x01 (format version) ‖ flags u8 (bit 0: insecure) ‖ log2(order) u8 ‖ numPoints u32 BE ‖
// numPoints × G1 uncompressed (64 B) ‖ numPoints × G2 uncompressed (128 B) ‖ numPoints × trailing G2 (128 B) ‖
// sha256 of everything before it (32 B). Uncompressed points load without square roots.
const MAGIC = new TextEncoder().encode("MACHSRS");
const FORMAT_VERSION = 1;
const HEADER_BYTES = MAGIC.length + 1 + 1 + 1 + 4;

export function serializeMachSrs(srs: Srs): Uint8Array {
  const n = srs.g1.length;
  if (srs.g2.length !== n || srs.g2Trailing.length !== n) throw new SrsError("SRS point lists differ in length");
  const log2Order = Math.log2(Number(srs.order));
  if (!Number.isInteger(log2Order)) throw new SrsError("SRS order must be a power of two");
  const body = HEADER_BYTES + n * (G1_UNCOMPRESSED_BYTES + 2 * G2_UNCOMPRESSED_BYTES);
  const out = new Uint8Array(body + 32);
  out.set(MAGIC, 0);
  out[MAGIC.length] = FORMAT_VERSION;
  out[MAGIC.length + 1] = srs.insecure ? 1 : 0;
  out[MAGIC.length + 2] = log2Order;
  new DataView(out.buffer).setUint32(MAGIC.length + 3, n, false);
  let offset = HEADER_BYTES;
  for (const p of srs.g1) {
    out.set(g1ToUncompressed(p), offset);
    offset += G1_UNCOMPRESSED_BYTES;
  }
  for (const p of [...srs.g2, ...srs.g2Trailing]) {
    out.set(g2ToUncompressed(p), offset);
    offset += G2_UNCOMPRESSED_BYTES;
  }
  out.set(sha256(out.subarray(0, body)), body);
  return out;
}

/** The point sections of a Mach SRS file, still encoded (uncompressed, big-endian), after its digest is checked. */
export interface MachSrsSections {
  readonly order: bigint;
  readonly insecure: boolean;
  readonly numPoints: number;
  /** numPoints × 64 bytes. */
  readonly g1: Uint8Array;
  /** numPoints × 128 bytes each. */
  readonly g2: Uint8Array;
  readonly g2Trailing: Uint8Array;
}

/** Splits a Mach SRS file into its sections; checks magic, version, size and digest, not the points. */
export function readMachSrsSections(bytes: Uint8Array): MachSrsSections {
  if (bytes.length < HEADER_BYTES + 32 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new SrsError("not a Mach SRS file (bad magic)");
  }
  if (bytes[MAGIC.length] !== FORMAT_VERSION) throw new SrsError(`unsupported Mach SRS version ${bytes[MAGIC.length]}`);
  const insecure = ((bytes[MAGIC.length + 1] as number) & 1) === 1;
  const order = 2n ** BigInt(bytes[MAGIC.length + 2] as number);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length + 3, false);
  const body = HEADER_BYTES + n * (G1_UNCOMPRESSED_BYTES + 2 * G2_UNCOMPRESSED_BYTES);
  if (bytes.length !== body + 32) throw new SrsError(`Mach SRS file is ${bytes.length} bytes, expected ${body + 32}`);
  const digest = sha256(bytes.subarray(0, body));
  if (!digest.every((b, i) => bytes[body + i] === b)) throw new SrsError("Mach SRS file digest mismatch");
  const g2Start = HEADER_BYTES + n * G1_UNCOMPRESSED_BYTES;
  const trailingStart = g2Start + n * G2_UNCOMPRESSED_BYTES;
  return {
    order,
    insecure,
    numPoints: n,
    g1: bytes.subarray(HEADER_BYTES, g2Start),
    g2: bytes.subarray(g2Start, trailingStart),
    g2Trailing: bytes.subarray(trailingStart, body),
  };
}

/** Parses a Mach SRS file. Checks the digest and that every point is on its curve (not the G2 subgroup: slow). */
export function parseMachSrs(bytes: Uint8Array): Srs {
  const sections = readMachSrsSections(bytes);
  const n = sections.numPoints;
  const g1: G1Point[] = new Array(n);
  for (let i = 0; i < n; i++) {
    g1[i] = g1FromBytes(sections.g1.subarray(i * G1_UNCOMPRESSED_BYTES, (i + 1) * G1_UNCOMPRESSED_BYTES));
  }
  const readG2 = (section: Uint8Array): G2Point[] => {
    const out: G2Point[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const point = section.subarray(i * G2_UNCOMPRESSED_BYTES, (i + 1) * G2_UNCOMPRESSED_BYTES);
      out[i] = g2FromBytes(point, { checkSubgroup: false });
    }
    return out;
  };
  const { order, insecure } = sections;
  return { order, g1, g2: readG2(sections.g2), g2Trailing: readG2(sections.g2Trailing), insecure };
}

/** Writes atomically (temp file + rename). */
export async function writeMachSrsFile(path: string, srs: Srs): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, serializeMachSrs(srs));
  await rename(tmp, path);
}

export async function readMachSrsFile(path: string): Promise<Srs> {
  return parseMachSrs(await readFile(path));
}

export interface LoadGnarkSrsFilesParameters {
  readonly g1Path: string;
  readonly g2Path: string;
  readonly g2TrailingPath: string;
  /** How many points to load; bounds the largest blob. EigenDA's files hold 524,288 (16 MiB blobs). */
  readonly numPoints: number;
  /** Defaults to 2^28 (EigenDA's SRS). */
  readonly order?: bigint;
}

/**
 * Loads EigenDA's SRS files (gnark-compressed points, concatenated, no header). Decompression costs a square root
 * per point, so loading 65,536 points takes a while; load once per process.
 */
export async function loadGnarkSrsFiles(parameters: LoadGnarkSrsFilesParameters): Promise<Srs> {
  const n = parameters.numPoints;
  const readRange = async (path: string, pointBytes: number, fromEnd: boolean): Promise<Uint8Array> => {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const want = n * pointBytes;
      if (size < want) throw new SrsError(`${path} holds ${Math.floor(size / pointBytes)} points, need ${n}`);
      const buffer = new Uint8Array(want);
      await handle.read(buffer, 0, want, fromEnd ? size - want : 0);
      return buffer;
    } finally {
      await handle.close();
    }
  };
  const [g1Bytes, g2Bytes, trailingBytes] = await Promise.all([
    readRange(parameters.g1Path, G1_COMPRESSED_BYTES, false),
    readRange(parameters.g2Path, G2_COMPRESSED_BYTES, false),
    readRange(parameters.g2TrailingPath, G2_COMPRESSED_BYTES, true),
  ]);
  const g1: G1Point[] = new Array(n);
  const g2: G2Point[] = new Array(n);
  const g2Trailing: G2Point[] = new Array(n);
  for (let i = 0; i < n; i++) {
    g1[i] = g1FromBytes(g1Bytes.subarray(i * 32, i * 32 + 32));
    g2[i] = g2FromBytes(g2Bytes.subarray(i * 64, i * 64 + 64), { checkSubgroup: false });
    g2Trailing[i] = g2FromBytes(trailingBytes.subarray(i * 64, i * 64 + 64), { checkSubgroup: false });
  }
  return { order: parameters.order ?? EIGENDA_SRS_ORDER, g1, g2, g2Trailing, insecure: false };
}

/** Reads only the header of a Mach SRS file: how many points it holds (bounds the blob size). */
export function readMachSrsPointCount(path: string): number {
  const fd = openSync(path, "r");
  try {
    const header = new Uint8Array(HEADER_BYTES);
    readSync(fd, header, 0, HEADER_BYTES, 0);
    if (!MAGIC.every((b, i) => header[i] === b)) throw new SrsError(`${path} is not a Mach SRS file (bad magic)`);
    return new DataView(header.buffer).getUint32(MAGIC.length + 3, false);
  } finally {
    closeSync(fd);
  }
}
