/**
 * EigenDA "payload encoding version 0": payload → encoded payload → blob, and back (da.md §1.6).
 *
 *   encodedPayload = header(32) ‖ body
 *   header = [0x00, 0x00 (version), u32_be(len(payload)), 0x00 × 26]
 *   body   = for each 31-byte chunk of payload: 0x00 ‖ chunk (the last chunk right-padded with zeros to 31)
 *   blob   = encodedPayload zero-padded to a power-of-two number of 32-byte symbols
 *
 * The leading 0x00 of every symbol keeps each 32-byte word below the BN254 scalar modulus, so the blob is a list of
 * field elements. Mach disperses the blob in coefficient form (no IFFT), see README.
 */
import { DaError } from "@mach/core/da";

export const BYTES_PER_SYMBOL = 32;
/** Payload bytes carried per symbol: the first byte of each symbol is 0x00. */
export const PAYLOAD_BYTES_PER_SYMBOL = 31;
export const PAYLOAD_ENCODING_VERSION_0 = 0;
const HEADER_BYTES = 32;

/** BN254 scalar field modulus r; every 32-byte big-endian word of a blob must be below it. */
export const BN254_FR_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export function nextPowerOfTwo(n: number): number {
  if (n <= 1) return 1;
  return 2 ** Math.ceil(Math.log2(n));
}

/** Number of 32-byte symbols of the blob that carries a payload of `payloadBytes` bytes. */
export function blobSymbolsForPayload(payloadBytes: number): number {
  const bodySymbols = Math.ceil(payloadBytes / PAYLOAD_BYTES_PER_SYMBOL);
  return nextPowerOfTwo(1 + bodySymbols);
}

/** Largest payload whose blob fits in `maxSymbols` symbols (a power of two). */
export function maxPayloadBytesForSymbols(maxSymbols: number): number {
  return (maxSymbols - 1) * PAYLOAD_BYTES_PER_SYMBOL;
}

/** Encodes `payload` into a blob: header, 0x00 before every 31 bytes, zero padding to a power of two symbols. */
export function encodePayloadToBlob(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffffffff) throw new DaError("permanent", "payload longer than 2^32-1 bytes");
  const symbols = blobSymbolsForPayload(payload.length);
  const blob = new Uint8Array(symbols * BYTES_PER_SYMBOL);
  blob[1] = PAYLOAD_ENCODING_VERSION_0;
  new DataView(blob.buffer).setUint32(2, payload.length, false);
  for (let src = 0, dst = HEADER_BYTES + 1; src < payload.length; src += PAYLOAD_BYTES_PER_SYMBOL, dst += 32) {
    blob.set(payload.subarray(src, src + PAYLOAD_BYTES_PER_SYMBOL), dst);
  }
  return blob;
}

/**
 * Decodes a blob back to its payload. Fails (permanent, "decode blob failed") on a wrong header byte, an unknown
 * version, non-zero header padding, a body symbol that does not start with 0x00, or a body shorter than the claimed
 * length. Trailing symbols beyond the claimed length are ignored (they are the power-of-two padding).
 */
export function decodePayloadFromBlob(blob: Uint8Array): Uint8Array {
  const fail = (why: string) => new DaError("permanent", "decode blob failed", { details: why });
  if (blob.length < HEADER_BYTES) throw fail(`blob is ${blob.length} bytes, shorter than the 32-byte header`);
  if (blob.length % BYTES_PER_SYMBOL !== 0) throw fail(`blob length ${blob.length} is not a multiple of 32`);
  if (blob[0] !== 0) throw fail("first header byte is not 0x00");
  if (blob[1] !== PAYLOAD_ENCODING_VERSION_0) throw fail(`unknown payload encoding version ${blob[1]}`);
  for (let i = 6; i < HEADER_BYTES; i++) {
    if (blob[i] !== 0) throw fail("header padding is not zero");
  }
  const length = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(2, false);
  const symbolsNeeded = Math.ceil(length / PAYLOAD_BYTES_PER_SYMBOL);
  const bodySymbols = (blob.length - HEADER_BYTES) / BYTES_PER_SYMBOL;
  if (symbolsNeeded > bodySymbols) {
    throw fail(`header claims ${length} bytes but the body holds at most ${bodySymbols * PAYLOAD_BYTES_PER_SYMBOL}`);
  }
  const payload = new Uint8Array(symbolsNeeded * PAYLOAD_BYTES_PER_SYMBOL);
  for (let s = 0; s < symbolsNeeded; s++) {
    const offset = HEADER_BYTES + s * BYTES_PER_SYMBOL;
    if (blob[offset] !== 0) throw fail(`body symbol ${s} does not start with 0x00`);
    payload.set(blob.subarray(offset + 1, offset + BYTES_PER_SYMBOL), s * PAYLOAD_BYTES_PER_SYMBOL);
  }
  return payload.subarray(0, length);
}

/** Index of the first 32-byte word (big-endian, the blob right-padded to a multiple of 32) that is ≥ r, or -1. */
export function findInvalidFieldElement(blob: Uint8Array): number {
  const words = blobToWords(blob);
  for (let w = 0; w < words.length; w++) {
    if ((words[w] as bigint) >= BN254_FR_MODULUS) return w;
  }
  return -1;
}

/** The blob as field elements (polynomial coefficients), right-padded with zeros to a multiple of 32 bytes. */
export function blobToFieldElements(blob: Uint8Array): bigint[] {
  const words = blobToWords(blob);
  const bad = words.findIndex((w) => w >= BN254_FR_MODULUS);
  if (bad >= 0) throw invalidFieldElementError(bad);
  return words;
}

/** Throws what `blobToFieldElements` throws when a word of the blob is not below r. */
export function assertBlobFieldElements(blob: Uint8Array): void {
  const bad = findInvalidFieldElement(blob);
  if (bad >= 0) throw invalidFieldElementError(bad);
}

function invalidFieldElementError(word: number): DaError {
  return new DaError("permanent", `blob word ${word} is not a BN254 field element`);
}

/** Big-endian 32-byte words of the blob (right-padded with zeros); hex parsing is the fast path to bigint in JS. */
function blobToWords(blob: Uint8Array): bigint[] {
  const words = Math.ceil(blob.length / BYTES_PER_SYMBOL);
  const padded = blob.length === words * BYTES_PER_SYMBOL ? blob : new Uint8Array(words * BYTES_PER_SYMBOL);
  if (padded !== blob) padded.set(blob);
  const hex = Buffer.from(padded.buffer, padded.byteOffset, padded.byteLength).toString("hex");
  const out = new Array<bigint>(words);
  for (let w = 0; w < words; w++) out[w] = BigInt(`0x${hex.slice(w * 64, w * 64 + 64)}`);
  return out;
}
