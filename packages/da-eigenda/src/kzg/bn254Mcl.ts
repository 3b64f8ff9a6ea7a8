/**
 * BN254 in WebAssembly through herumi's `mcl-wasm` (BSD-3-Clause), curve `BN_SNARK1` (alt_bn128, Ethereum's BN254).
 * The library is one WebAssembly instance per thread, initialised once (`loadBn254Mcl`, asynchronous); after that
 * every call is synchronous. Points live in the instance's heap as the C API's structs: `mclBnG1 { mclBnFp x, y, z }`
 * and `mclBnG2 { mclBnFp2 x, y, z }` with `mclBnFp2 { mclBnFp d[2] }` = d[0] + d[1]·u (u² = −1: d[0] is noble's c0
 * and gnark's A0), each `mclBnFp` 48 bytes (the build's 6 × 64-bit limbs, in the library's Montgomery form), Jacobian
 * coordinates (z = 1: affine, which makes an addition a mixed one). Coordinates go in and out only through the
 * library's own converters (`mclBnFp_setBigEndianMod`, `mclBnFp_getLittleEndian`).
 *
 * The point functions (`mclBnG1_add`, …) are the instance's exports, reached through `mcl-wasm/dist/mcl.js`'s `mod`
 * (the package's typed API wraps each call in copies to and from its stack, too slow for an MSM's million additions).
 */
import { createRequire } from "node:module";
import { BN_SNARK1, init } from "mcl-wasm";
import type { PointArithmetic } from "./bucketMsm.ts";
import { G1, G1_UNCOMPRESSED_BYTES, type G1Point, G2, G2_UNCOMPRESSED_BYTES, type G2Point } from "./points.ts";
import { SrsError } from "./srs.ts";

const FP_BYTES = 48;
export const MCL_G1_BYTES = 3 * FP_BYTES;
export const MCL_G2_BYTES = 6 * FP_BYTES;
const WORD_BYTES = 32;
const FLAG_MASK = 0xc0;
const FLAG_INFINITY = 0x40;

/** The instance exports used here; pointers are byte offsets into its memory. */
interface MclExports {
  readonly wasmMemory: { readonly buffer: ArrayBuffer };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _mclBnFp_setBigEndianMod(x: number, buffer: number, bytes: number): number;
  _mclBnFp_getLittleEndian(buffer: number, maxBytes: number, x: number): number;
  _mclBnFp_setInt32(x: number, value: number): void;
  _mclBnFp_clear(x: number): void;
  _mclBnG1_add(z: number, x: number, y: number): void;
  _mclBnG1_sub(z: number, x: number, y: number): void;
  _mclBnG1_dbl(z: number, x: number): void;
  _mclBnG1_clear(z: number): void;
  _mclBnG1_normalize(z: number, x: number): void;
  _mclBnG1_isZero(x: number): number;
  _mclBnG2_add(z: number, x: number, y: number): void;
  _mclBnG2_sub(z: number, x: number, y: number): void;
  _mclBnG2_dbl(z: number, x: number): void;
  _mclBnG2_clear(z: number): void;
  _mclBnG2_normalize(z: number, x: number): void;
  _mclBnG2_isZero(x: number): number;
}

/** One group's arithmetic on heap addresses, its point size and the conversion of a result back to noble. */
export interface MclGroup<P> extends PointArithmetic {
  readonly pointBytes: number;
  /** Reads the point at `pointer` (normalising it in place). */
  read(pointer: number): P;
}

export interface Bn254Mcl {
  /** Reserves `bytes` of the instance's heap; `free` gives it back. */
  alloc(bytes: number): number;
  free(pointer: number): void;
  readonly g1: MclGroup<G1Point>;
  readonly g2: MclGroup<G2Point>;
  /** Writes Mach's uncompressed G1 points (X ‖ Y, big-endian; flag 0b01: infinity) from `pointer` on. */
  writeG1Points(pointer: number, section: Uint8Array): void;
  /** Writes Mach's uncompressed G2 points (X.A1 ‖ X.A0 ‖ Y.A1 ‖ Y.A0) from `pointer` on. */
  writeG2Points(pointer: number, section: Uint8Array): void;
}

let loaded: Promise<Bn254Mcl> | undefined;

/** Initialises mcl-wasm for BN254 in this thread, once; every engine of the thread shares the instance. */
export function loadBn254Mcl(): Promise<Bn254Mcl> {
  loaded ??= init(BN_SNARK1).then(() => {
    const { mod } = createRequire(import.meta.url)("mcl-wasm/dist/mcl.js") as { mod: MclExports };
    return bindBn254Mcl(mod);
  });
  return loaded;
}

function bindBn254Mcl(mcl: MclExports): Bn254Mcl {
  const heap = () => new Uint8Array(mcl.wasmMemory.buffer);
  const word = mcl._malloc(WORD_BYTES);

  const readField = (fp: number): bigint => {
    heap().fill(0, word, word + WORD_BYTES);
    mcl._mclBnFp_getLittleEndian(word, WORD_BYTES, fp);
    const bytes = heap();
    let hex = "";
    for (let i = WORD_BYTES - 1; i >= 0; i--) hex += (bytes[word + i] as number).toString(16).padStart(2, "0");
    return BigInt(`0x${hex}`);
  };

  /** Copies `section` into the heap and sets each point's coordinates from it (`coordinates` words per point). */
  const writePoints = (
    pointer: number,
    section: Uint8Array,
    encodedBytes: number,
    pointBytes: number,
    setPoint: (point: number, source: number) => void,
    clearPoint: (point: number) => void,
  ): void => {
    if (section.length % encodedBytes !== 0) throw new SrsError(`SRS section is not whole ${encodedBytes}-byte points`);
    const source = mcl._malloc(section.length);
    try {
      heap().set(section, source);
      for (let i = 0; i * encodedBytes < section.length; i++) {
        const flags = (section[i * encodedBytes] as number) & FLAG_MASK;
        const point = pointer + i * pointBytes;
        if (flags === FLAG_INFINITY) clearPoint(point);
        else if (flags === 0) setPoint(point, source + i * encodedBytes);
        else throw new SrsError(`SRS point ${i} is not uncompressed`);
      }
    } finally {
      mcl._free(source);
    }
  };
  const setFp = (fp: number, source: number) => {
    if (mcl._mclBnFp_setBigEndianMod(fp, source, WORD_BYTES) !== 0) throw new SrsError("SRS coordinate rejected");
  };

  return {
    alloc: (bytes) => mcl._malloc(bytes),
    free: (pointer) => mcl._free(pointer),
    g1: {
      pointBytes: MCL_G1_BYTES,
      add: mcl._mclBnG1_add,
      sub: mcl._mclBnG1_sub,
      dbl: mcl._mclBnG1_dbl,
      clear: mcl._mclBnG1_clear,
      read(pointer) {
        if (mcl._mclBnG1_isZero(pointer)) return G1.ZERO;
        mcl._mclBnG1_normalize(pointer, pointer);
        return G1.fromAffine({ x: readField(pointer), y: readField(pointer + FP_BYTES) });
      },
    },
    g2: {
      pointBytes: MCL_G2_BYTES,
      add: mcl._mclBnG2_add,
      sub: mcl._mclBnG2_sub,
      dbl: mcl._mclBnG2_dbl,
      clear: mcl._mclBnG2_clear,
      read(pointer) {
        if (mcl._mclBnG2_isZero(pointer)) return G2.ZERO;
        mcl._mclBnG2_normalize(pointer, pointer);
        const f = (i: number) => readField(pointer + i * FP_BYTES);
        return G2.fromAffine({ x: { c0: f(0), c1: f(1) }, y: { c0: f(2), c1: f(3) } });
      },
    },
    writeG1Points(pointer, section) {
      writePoints(
        pointer,
        section,
        G1_UNCOMPRESSED_BYTES,
        MCL_G1_BYTES,
        (point, source) => {
          setFp(point, source);
          setFp(point + FP_BYTES, source + WORD_BYTES);
          mcl._mclBnFp_setInt32(point + 2 * FP_BYTES, 1);
        },
        mcl._mclBnG1_clear,
      );
    },
    writeG2Points(pointer, section) {
      writePoints(
        pointer,
        section,
        G2_UNCOMPRESSED_BYTES,
        MCL_G2_BYTES,
        (point, source) => {
          // Mach: X.A1 ‖ X.A0 ‖ Y.A1 ‖ Y.A0; mcl: x.d[0] = A0, x.d[1] = A1, then y, then z = 1 + 0·u.
          setFp(point, source + WORD_BYTES);
          setFp(point + FP_BYTES, source);
          setFp(point + 2 * FP_BYTES, source + 3 * WORD_BYTES);
          setFp(point + 3 * FP_BYTES, source + 2 * WORD_BYTES);
          mcl._mclBnFp_setInt32(point + 4 * FP_BYTES, 1);
          mcl._mclBnFp_clear(point + 5 * FP_BYTES);
        },
        mcl._mclBnG2_clear,
      );
    },
  };
}
