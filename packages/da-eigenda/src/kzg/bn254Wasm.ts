/**
 * BN254 in WebAssembly: iden3's `wasmcurves` (the curve code under snarkjs/ffjavascript) built with `wasmbuilder`,
 * called synchronously. The module is compiled once per thread; each `Bn254Wasm` is an instance with its own memory,
 * so an SRS loaded into it stays there (no copy per commitment).
 *
 * Memory layout is the library's: field elements are 32 bytes, little-endian, in Montgomery form; affine G1 is x ‖ y,
 * affine G2 is x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1 (c0 + c1·u, u² = −1, the same Fp2 as noble's and gnark's A0 + A1·u);
 * Jacobian points add z. Word 0 of memory is the library's free-space pointer: its multi-exponentiation keeps its
 * bucket table above it, so `alloc` reserves room for the largest table past every allocation.
 */
/// <reference path="./wasmcurves.d.ts" />
import { ModuleBuilder } from "wasmbuilder";
import wasmcurves from "wasmcurves";
import { G1, type G1Point, G2, type G2Point } from "./points.ts";

export const WASM_FIELD_BYTES = 32;
export const WASM_G1_AFFINE_BYTES = 2 * WASM_FIELD_BYTES;
export const WASM_G2_AFFINE_BYTES = 4 * WASM_FIELD_BYTES;
const G2_JACOBIAN_BYTES = 6 * WASM_FIELD_BYTES;
/** wasmcurves' multiexp uses windows of at most 17 bits: a table of 2^17 Jacobian points (G2 is the larger). */
const MAX_BUCKET_TABLE_BYTES = (1 << 17) * G2_JACOBIAN_BYTES;
const PAGE_BYTES = 65_536;
const INITIAL_PAGES = 25;

/** The exported functions used here; pointers are byte offsets into the instance's memory. */
interface Bn254Exports {
  f1m_batchToMontgomery(pIn: number, count: number, pOut: number): void;
  g1m_multiexpAffine(pBases: number, pScalars: number, scalarBytes: number, count: number, pResult: number): void;
  g2m_multiexpAffine(pBases: number, pScalars: number, scalarBytes: number, count: number, pResult: number): void;
  g1m_isZero(p: number): number;
  g2m_isZero(p: number): number;
  g1m_toAffine(pIn: number, pOut: number): void;
  g2m_toAffine(pIn: number, pOut: number): void;
  g1m_fromMontgomeryAffine(pIn: number, pOut: number): void;
  g2m_fromMontgomeryAffine(pIn: number, pOut: number): void;
}

/** The part of the WebAssembly JS API used here (the package compiles without DOM types, which declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

function compiledModule(): object {
  if (!compiled) {
    const builder = new ModuleBuilder();
    builder.setMemory(INITIAL_PAGES);
    wasmcurves.buildBn128(builder);
    compiled = new WebAssemblyApi.Module(builder.build());
  }
  return compiled;
}

export interface Bn254Wasm {
  /** Reserves `bytes` (8-byte aligned) for the lifetime of the instance; returns the pointer. */
  alloc(bytes: number): number;
  /** The memory as bytes; take it again after an `alloc` (growing memory replaces the buffer). */
  heap(): Uint8Array;
  /** Copies 32-byte big-endian field elements to `pointer` as the library's little-endian Montgomery elements. */
  writeFieldElements(pointer: number, bigEndian: Uint8Array): void;
  /** Σ scalar_i·base_i over `count` affine G1 bases and 32-byte little-endian scalars (canonical, < r). */
  msmG1(pBases: number, pScalars: number, count: number): G1Point;
  msmG2(pBases: number, pScalars: number, count: number): G2Point;
}

export function createBn254Wasm(): Bn254Wasm {
  const memory = new WebAssemblyApi.Memory({ initial: INITIAL_PAGES });
  const instance = new WebAssemblyApi.Instance(compiledModule(), { env: { memory } });
  const wasm = instance.exports as unknown as Bn254Exports;
  let bytes = new Uint8Array(memory.buffer);
  const heap = (): Uint8Array => {
    if (bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
    return bytes;
  };
  const view = () => new DataView(memory.buffer);

  const alloc = (size: number): number => {
    const pointer = view().getUint32(0, true);
    const next = (pointer + size + 7) & ~7;
    const shortfall = next + MAX_BUCKET_TABLE_BYTES - memory.buffer.byteLength;
    if (shortfall > 0) memory.grow(Math.ceil(shortfall / PAGE_BYTES));
    view().setUint32(0, next, true);
    return pointer;
  };

  const result = alloc(G2_JACOBIAN_BYTES);
  const affine = alloc(WASM_G2_AFFINE_BYTES);

  const readField = (pointer: number): bigint => {
    const h = heap();
    let hex = "";
    for (let i = WASM_FIELD_BYTES - 1; i >= 0; i--) hex += (h[pointer + i] as number).toString(16).padStart(2, "0");
    return BigInt(`0x${hex}`);
  };

  return {
    alloc,
    heap,
    writeFieldElements(pointer, bigEndian) {
      if (bigEndian.length % WASM_FIELD_BYTES !== 0) throw new RangeError("field elements are 32 bytes each");
      const h = heap();
      const count = bigEndian.length / WASM_FIELD_BYTES;
      for (let offset = 0; offset < bigEndian.length; offset += WASM_FIELD_BYTES) {
        for (let i = 0; i < WASM_FIELD_BYTES; i++) h[pointer + offset + i] = bigEndian[offset + 31 - i] as number;
      }
      wasm.f1m_batchToMontgomery(pointer, count, pointer);
    },
    msmG1(pBases, pScalars, count) {
      wasm.g1m_multiexpAffine(pBases, pScalars, WASM_FIELD_BYTES, count, result);
      if (wasm.g1m_isZero(result)) return G1.ZERO;
      wasm.g1m_toAffine(result, affine);
      wasm.g1m_fromMontgomeryAffine(affine, affine);
      return G1.fromAffine({ x: readField(affine), y: readField(affine + WASM_FIELD_BYTES) });
    },
    msmG2(pBases, pScalars, count) {
      wasm.g2m_multiexpAffine(pBases, pScalars, WASM_FIELD_BYTES, count, result);
      if (wasm.g2m_isZero(result)) return G2.ZERO;
      wasm.g2m_toAffine(result, affine);
      wasm.g2m_fromMontgomeryAffine(affine, affine);
      const f = (i: number) => readField(affine + i * WASM_FIELD_BYTES);
      return G2.fromAffine({ x: { c0: f(0), c1: f(1) }, y: { c0: f(2), c1: f(3) } });
    },
  };
}
