/**
 * The Celestia pointer: what Mach stores to find a batch again. 41 bytes:
 * `version (0x01) ‖ height (u64 little-endian) ‖ share commitment (32)`.
 * Bytes 1..41 are exactly the 40-byte blob id Evolve (`MakeID`) and op-alt-da use, so a pointer converts to theirs by
 * dropping the version byte. The namespace is not in the pointer: it is fixed per chain by configuration.
 */
import { InvalidCelestiaPointerError } from "./errors.ts";

export const CELESTIA_POINTER_VERSION = 0x01;
export const CELESTIA_POINTER_SIZE = 1 + 8 + 32;
const MAX_UINT64 = (1n << 64n) - 1n;

export interface CelestiaPointer {
  /** Celestia block height that includes the blob (≥ 1). */
  readonly height: bigint;
  /** 32-byte share commitment of the blob. */
  readonly commitment: Uint8Array;
}

export function encodeCelestiaPointer(pointer: CelestiaPointer): Uint8Array {
  const { height, commitment } = pointer;
  if (height < 1n || height > MAX_UINT64) {
    throw new InvalidCelestiaPointerError(`height ${height} is outside 1..2^64-1`);
  }
  if (commitment.length !== 32) {
    throw new InvalidCelestiaPointerError(`commitment must be 32 bytes, got ${commitment.length}`);
  }
  const out = new Uint8Array(CELESTIA_POINTER_SIZE);
  out[0] = CELESTIA_POINTER_VERSION;
  new DataView(out.buffer).setBigUint64(1, height, true);
  out.set(commitment, 9);
  return out;
}

/** Decodes a pointer; throws `InvalidCelestiaPointerError` (permanent) for any other bytes. */
export function decodeCelestiaPointer(bytes: Uint8Array): CelestiaPointer {
  if (bytes.length === 0) throw new InvalidCelestiaPointerError("empty pointer");
  if (bytes[0] !== CELESTIA_POINTER_VERSION) {
    throw new InvalidCelestiaPointerError(`unknown pointer version ${bytes[0]}`);
  }
  if (bytes.length !== CELESTIA_POINTER_SIZE) {
    throw new InvalidCelestiaPointerError(`pointer version 1 is ${CELESTIA_POINTER_SIZE} bytes, got ${bytes.length}`);
  }
  const height = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(1, true);
  if (height === 0n) throw new InvalidCelestiaPointerError("height 0 names no Celestia block");
  return { height, commitment: bytes.slice(9) };
}
