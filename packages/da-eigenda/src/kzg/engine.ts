/**
 * A KZG engine computes EigenDA blob commitments over one SRS. Three implementations give the same points:
 * - "native" (default): MSMs in C (native/, a Node-API addon built with the machine's gcc at install or on first
 *   use), the SRS kept in the addon's memory (nativeEngine.ts);
 * - "mcl" (the default's fallback when the addon cannot be built or loaded): bucket MSMs in WebAssembly over herumi's
 *   mcl-wasm (BSD-3-Clause) point additions (mclEngine.ts), the SRS kept in the library's heap;
 * - "reference": the pure-JS code of commitment.ts (@noble/curves), what the other engines are tested against.
 * Creating an engine is asynchronous (mcl-wasm initialises once per thread); its computations are synchronous.
 */
import type { BlobCommitment, BlobCommitmentPart, BlobCommitmentParts } from "./commitment.ts";
import { createReferenceKzgEngine } from "./commitment.ts";
import { createMclKzgEngine } from "./mclEngine.ts";
import { loadNativeKzgAddon } from "./nativeAddon.ts";
import { createNativeKzgEngine, type NativeKzgTables } from "./nativeEngine.ts";
import type { G1Point } from "./points.ts";
import type { Srs } from "./srs.ts";

export const KZG_ENGINE_NAMES = ["native", "mcl", "reference"] as const;
export type KzgEngineName = (typeof KZG_ENGINE_NAMES)[number];
/** The preferred engine; `defaultKzgEngine()` is what an unconfigured caller gets (this, or mcl as the fallback). */
export const DEFAULT_KZG_ENGINE: KzgEngineName = "native";
/** What the default falls back to when the native addon cannot be had. */
export const FALLBACK_KZG_ENGINE: KzgEngineName = "mcl";

export interface KzgEngine {
  readonly name: KzgEngineName;
  /** Largest blob, in symbols, the SRS can commit to. */
  readonly maxSymbols: number;
  /** How the engine holds the SRS, when it says (native: its fixed-base tables and their memory). */
  readonly details?: string;
  /** Only the G1 commitment: what a reader checks against the certificate after fetching a blob. */
  computeG1Commitment(blob: Uint8Array): G1Point;
  /** Commitment, length commitment, length proof and length. */
  computeBlobCommitment(blob: Uint8Array): BlobCommitment;
  /** Only the named points of `computeBlobCommitment` (and the length). */
  computeBlobCommitmentParts(blob: Uint8Array, parts: readonly BlobCommitmentPart[]): BlobCommitmentParts;
}

/** Options for the engine an engine name builds; each applies to its engine only. */
export interface KzgEngineOptions {
  /** The native engine's fixed-base tables (nativeEngine.ts; default "auto"). */
  readonly nativeTables?: NativeKzgTables;
}

export async function createKzgEngine(
  name: KzgEngineName,
  srs: Srs,
  options: KzgEngineOptions = {},
): Promise<KzgEngine> {
  if (name === "native") {
    return createNativeKzgEngine(srs, options.nativeTables === undefined ? {} : { tables: options.nativeTables });
  }
  return name === "mcl" ? createMclKzgEngine(srs) : createReferenceKzgEngine(srs);
}

let fallbackLogged = false;

/**
 * The engine to use when none is configured: "native" when its addon builds and loads in this thread, else "mcl"
 * (saying why on stderr, once per thread). An engine named explicitly gets no fallback: "native" then fails with
 * the reason.
 */
export function defaultKzgEngine(): KzgEngineName {
  const status = loadNativeKzgAddon();
  if (status.available) return DEFAULT_KZG_ENGINE;
  if (!fallbackLogged) {
    fallbackLogged = true;
    process.stderr.write(`[kzg] ${status.reason}; using the "${FALLBACK_KZG_ENGINE}" engine\n`);
  }
  return FALLBACK_KZG_ENGINE;
}
