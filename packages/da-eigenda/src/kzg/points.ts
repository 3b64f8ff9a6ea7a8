/**
 * BN254 points in the encodings EigenDA uses:
 * - gnark compressed (what `BlobCommitment` carries on the wire and the `g1.point`/`g2.point` SRS files hold): big-endian
 *   X (G2: X.A1 ‖ X.A0), the top two bits of byte 0 are flags: 0b10 smaller Y, 0b11 larger Y, 0b01 infinity.
 *   "Larger" is gnark's LexicographicallyLargest: y > (p−1)/2; for Fp2 it looks at A1 unless A1 is zero.
 * - uncompressed (Mach's dev SRS file): X ‖ Y with the same limb order and flag 0b00.
 * noble's Fp2 element `{ c0, c1 }` is gnark's `{ A0, A1 }`.
 */
import { bn254 } from "@noble/curves/bn254.js";

export type G1Point = InstanceType<typeof bn254.G1.Point>;
export type G2Point = InstanceType<typeof bn254.G2.Point>;
type Fp2 = { c0: bigint; c1: bigint };

export const G1 = bn254.G1.Point;
export const G2 = bn254.G2.Point;
const Fp = bn254.fields.Fp;
const Fp2 = bn254.fields.Fp2;
const P = Fp.ORDER;
const HALF_P = (P - 1n) / 2n;

const FLAG_MASK = 0b11 << 6;
const FLAG_UNCOMPRESSED = 0b00 << 6;
const FLAG_INFINITY = 0b01 << 6;
const FLAG_SMALLEST = 0b10 << 6;
const FLAG_LARGEST = 0b11 << 6;

export const G1_COMPRESSED_BYTES = 32;
export const G2_COMPRESSED_BYTES = 64;
export const G1_UNCOMPRESSED_BYTES = 64;
export const G2_UNCOMPRESSED_BYTES = 128;

export class PointEncodingError extends Error {
  override name = "PointEncodingError";
}

function writeWord(out: Uint8Array, offset: number, value: bigint): void {
  const hex = value.toString(16).padStart(64, "0");
  out.set(Buffer.from(hex, "hex"), offset);
}

function readWord(bytes: Uint8Array, offset: number, clearFlags = false): bigint {
  // Copy: Buffer#slice is a view, and clearing the flag bits must not touch the caller's bytes.
  const word = Uint8Array.from(bytes.subarray(offset, offset + 32));
  if (clearFlags) word[0] = (word[0] as number) & ~FLAG_MASK;
  return BigInt(`0x${Buffer.from(word).toString("hex")}`);
}

function fpLargest(y: bigint): boolean {
  return y > HALF_P;
}

function fp2Largest(y: Fp2): boolean {
  return y.c1 === 0n ? fpLargest(y.c0) : fpLargest(y.c1);
}

export function g1ToCompressed(p: G1Point): Uint8Array {
  const out = new Uint8Array(G1_COMPRESSED_BYTES);
  if (p.is0()) {
    out[0] = FLAG_INFINITY;
    return out;
  }
  const { x, y } = p.toAffine();
  writeWord(out, 0, x);
  out[0] = (out[0] as number) | (fpLargest(y) ? FLAG_LARGEST : FLAG_SMALLEST);
  return out;
}

export function g2ToCompressed(p: G2Point): Uint8Array {
  const out = new Uint8Array(G2_COMPRESSED_BYTES);
  if (p.is0()) {
    out[0] = FLAG_INFINITY;
    return out;
  }
  const { x, y } = p.toAffine();
  writeWord(out, 0, x.c1);
  writeWord(out, 32, x.c0);
  out[0] = (out[0] as number) | (fp2Largest(y) ? FLAG_LARGEST : FLAG_SMALLEST);
  return out;
}

export function g1ToUncompressed(p: G1Point): Uint8Array {
  const out = new Uint8Array(G1_UNCOMPRESSED_BYTES);
  if (p.is0()) {
    out[0] = FLAG_INFINITY;
    return out;
  }
  const { x, y } = p.toAffine();
  writeWord(out, 0, x);
  writeWord(out, 32, y);
  return out;
}

export function g2ToUncompressed(p: G2Point): Uint8Array {
  const out = new Uint8Array(G2_UNCOMPRESSED_BYTES);
  if (p.is0()) {
    out[0] = FLAG_INFINITY;
    return out;
  }
  const { x, y } = p.toAffine();
  writeWord(out, 0, x.c1);
  writeWord(out, 32, x.c0);
  writeWord(out, 64, y.c1);
  writeWord(out, 96, y.c0);
  return out;
}

export interface DecodePointOptions {
  /** Check subgroup membership (G2 only; G1 has cofactor 1). Costs a scalar multiplication. Default true. */
  readonly checkSubgroup?: boolean;
}

/** Parses a gnark G1 point, compressed (32 bytes) or uncompressed (64 bytes), and checks it is on the curve. */
export function g1FromBytes(bytes: Uint8Array): G1Point {
  const flag = (bytes[0] ?? 0) & FLAG_MASK;
  if (flag === FLAG_INFINITY) {
    if (bytes.length !== G1_COMPRESSED_BYTES && bytes.length !== G1_UNCOMPRESSED_BYTES) {
      throw new PointEncodingError(`G1 point must be 32 or 64 bytes, got ${bytes.length}`);
    }
    return G1.ZERO;
  }
  try {
    if (flag === FLAG_UNCOMPRESSED) {
      if (bytes.length !== G1_UNCOMPRESSED_BYTES)
        throw new PointEncodingError("uncompressed G1 point must be 64 bytes");
      const p = G1.fromAffine({ x: readWord(bytes, 0), y: readWord(bytes, 32) });
      p.assertValidity();
      return p;
    }
    if (bytes.length !== G1_COMPRESSED_BYTES) throw new PointEncodingError("compressed G1 point must be 32 bytes");
    const x = readWord(bytes, 0, true);
    if (x >= P) throw new PointEncodingError("G1 x is not below the field modulus");
    let y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 3n));
    if (fpLargest(y) !== (flag === FLAG_LARGEST)) y = Fp.neg(y);
    const p = G1.fromAffine({ x, y });
    p.assertValidity();
    return p;
  } catch (error) {
    if (error instanceof PointEncodingError) throw error;
    throw new PointEncodingError(`invalid G1 point: ${(error as Error).message}`, { cause: error });
  }
}

const G2_B = G2.CURVE().b as Fp2;

/** Parses a gnark G2 point, compressed (64 bytes) or uncompressed (128 bytes); checks curve and (by default) subgroup. */
export function g2FromBytes(bytes: Uint8Array, options: DecodePointOptions = {}): G2Point {
  const flag = (bytes[0] ?? 0) & FLAG_MASK;
  if (flag === FLAG_INFINITY) {
    if (bytes.length !== G2_COMPRESSED_BYTES && bytes.length !== G2_UNCOMPRESSED_BYTES) {
      throw new PointEncodingError(`G2 point must be 64 or 128 bytes, got ${bytes.length}`);
    }
    return G2.ZERO;
  }
  try {
    let p: G2Point;
    if (flag === FLAG_UNCOMPRESSED) {
      if (bytes.length !== G2_UNCOMPRESSED_BYTES)
        throw new PointEncodingError("uncompressed G2 point must be 128 bytes");
      const x = { c1: readWord(bytes, 0), c0: readWord(bytes, 32) };
      const y = { c1: readWord(bytes, 64), c0: readWord(bytes, 96) };
      p = G2.fromAffine({ x, y });
    } else {
      if (bytes.length !== G2_COMPRESSED_BYTES) throw new PointEncodingError("compressed G2 point must be 64 bytes");
      const x = { c1: readWord(bytes, 0, true), c0: readWord(bytes, 32) };
      if (x.c0 >= P || x.c1 >= P) throw new PointEncodingError("G2 x is not below the field modulus");
      let y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2_B)) as Fp2;
      if (fp2Largest(y) !== (flag === FLAG_LARGEST)) y = Fp2.neg(y) as Fp2;
      p = G2.fromAffine({ x, y });
    }
    if (options.checkSubgroup === false) {
      if (!isOnG2Curve(p)) throw new PointEncodingError("G2 point is not on the curve");
    } else {
      p.assertValidity();
    }
    return p;
  } catch (error) {
    if (error instanceof PointEncodingError) throw error;
    throw new PointEncodingError(`invalid G2 point: ${(error as Error).message}`, { cause: error });
  }
}

function isOnG2Curve(p: G2Point): boolean {
  const { x, y } = p.toAffine();
  return Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2_B));
}

/** Affine coordinates as the Solidity structs order them: G1 (X, Y); G2 ([X.A1, X.A0], [Y.A1, Y.A0]). */
export function g1ToEvmWords(p: G1Point): [bigint, bigint] {
  if (p.is0()) return [0n, 0n];
  const { x, y } = p.toAffine();
  return [x, y];
}

export function g2ToEvmWords(p: G2Point): [bigint, bigint, bigint, bigint] {
  if (p.is0()) return [0n, 0n, 0n, 0n];
  const { x, y } = p.toAffine();
  return [x.c1, x.c0, y.c1, y.c0];
}
