/**
 * Loads the native KZG addon (native/, built by nativeBuild.ts), once per thread: builds it first when it is missing
 * or older than its sources. When the compiler is missing or fails, or the addon does not load, the result says why
 * instead of throwing, so callers can fall back to another engine.
 */
import { createRequire } from "node:module";
import { buildNativeKzgAddon } from "./nativeBuild.ts";

/** The converted SRS, held by the addon (freed when the handle is garbage). */
export type NativeSrsHandle = { readonly __nativeSrs: unique symbol };

/** Bits of `commit`'s `parts` (kzg.h's KZG_PART_*). */
export const NATIVE_PART_COMMITMENT = 1;
export const NATIVE_PART_LENGTH_COMMITMENT = 2;
export const NATIVE_PART_LENGTH_PROOF = 4;

/**
 * How buckets are filled (kzg.h's kzg_method_t): by estimated cost, or forced (tests compare them): XYZZ buckets,
 * batch-affine ones, or batch-affine ones over the SRS's fixed-base tables (only when it was loaded with tables).
 */
export const NATIVE_MSM_METHODS = { auto: 0, xyzz: 1, batchAffine: 2, tables: 3 } as const;

/** `loadSrs`'s tableBits: the width (≤ 15 bits) of least estimated cost within 512 MiB (kzg.h's KZG_TABLE_BITS_AUTO). */
export const NATIVE_TABLE_BITS_AUTO = -1;
/** The widths `loadSrs` accepts besides 0 (no tables) and auto (kzg.h's KZG_MIN/MAX_TABLE_BITS). */
export const NATIVE_MIN_TABLE_BITS = 2;
export const NATIVE_MAX_TABLE_BITS = 16;
export type NativeMsmMethod = keyof typeof NATIVE_MSM_METHODS;

export interface NativeKzgAddon {
  /**
   * Converts `count` uncompressed points of each section (Mach's SRS encoding) and builds fixed-base tables of
   * `tableBits` bits (0: none; NATIVE_TABLE_BITS_AUTO); throws on a malformed point.
   */
  loadSrs(g1: Uint8Array, g2: Uint8Array, g2Trailing: Uint8Array, count: number, tableBits: number): NativeSrsHandle;
  /** The tables' width (0: none) and the bytes the converted points and tables take. */
  srsInfo(srs: NativeSrsHandle): { tableBits: number; bytes: number };
  /** The requested points, uncompressed (undefined when not requested); the words must be below 2^254. */
  commit(
    srs: NativeSrsHandle,
    blob: Uint8Array,
    count: number,
    parts: number,
    trailingStart: number,
    method: number,
  ): [Uint8Array | undefined, Uint8Array | undefined, Uint8Array | undefined];
  /** The field constants compiled into the addon, big-endian hex. */
  fieldConstants(): { modulus: string; montgomeryR2: string; montgomeryInv: string; modulusSquared: string };
}

export type NativeKzgAddonStatus =
  | { readonly available: true; readonly addon: NativeKzgAddon }
  | { readonly available: false; readonly reason: string };

let status: NativeKzgAddonStatus | undefined;

/** The addon, built and loaded on first call in this thread, or why it cannot be had. */
export function loadNativeKzgAddon(): NativeKzgAddonStatus {
  status ??= tryLoad();
  return status;
}

function tryLoad(): NativeKzgAddonStatus {
  try {
    const path = buildNativeKzgAddon();
    return { available: true, addon: createRequire(import.meta.url)(path) as NativeKzgAddon };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}
