/**
 * Logs bloom (yellow paper §4.3.1): 2048 bits; for the address and each topic of every log, three bits chosen by the
 * low 11 bits of byte pairs (0,1), (2,3), (4,5) of keccak256(value), bit 0 being the last byte's lowest bit.
 */

import { hexToBytes } from "./bytes.ts";
import { keccak256 } from "./hash.ts";
import type { Hex, Log } from "./types.ts";

export const BLOOM_BYTES = 256;

/** A value's three bloom bits (0..2047) from its keccak256. */
function bloomBitsOf(hash: Uint8Array): Uint16Array {
  const bits = new Uint16Array(3);
  for (let i = 0; i < 3; i++) bits[i] = (((hash[2 * i] as number) << 8) | (hash[2 * i + 1] as number)) & 2047;
  return bits;
}

function setBloomBits(bloom: Uint8Array, bits: Uint16Array): void {
  for (let i = 0; i < 3; i++) {
    const bit = bits[i] as number;
    const index = BLOOM_BYTES - 1 - (bit >> 3);
    bloom[index] = (bloom[index] as number) | (1 << (bit & 7));
  }
}

/** Adds one value (an address or a topic, raw bytes) to `bloom` in place. */
export function addToBloom(bloom: Uint8Array, value: Uint8Array): void {
  setBloomBits(bloom, bloomBitsOf(keccak256(value)));
}

/**
 * The three bloom bits of recently seen values (addresses and topics, by their hex), in two generations of at most
 * `BLOOM_BITS_CACHE_SIZE` each: most logs repeat their contract's address and their event's topic (an ERC-20 transfer's
 * four values are its token, `Transfer` and two holders), and a hit skips a hex decode and a keccak.
 */
export const BLOOM_BITS_CACHE_SIZE = 4096;
let recentBits = new Map<string, Uint16Array>();
let olderBits = new Map<string, Uint16Array>();

function cachedBloomBits(value: Hex): Uint16Array {
  let bits = recentBits.get(value);
  if (bits !== undefined) return bits;
  bits = olderBits.get(value) ?? bloomBitsOf(keccak256(hexToBytes(value)));
  if (recentBits.size >= BLOOM_BITS_CACHE_SIZE) {
    olderBits = recentBits;
    recentBits = new Map();
  }
  recentBits.set(value, bits);
  return bits;
}

/** The bloom of a receipt's (or a block's) logs. */
export function bloomOf(logs: readonly Log[]): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const log of logs) {
    setBloomBits(bloom, cachedBloomBits(log.address));
    for (const topic of log.topics) setBloomBits(bloom, cachedBloomBits(topic));
  }
  return bloom;
}

/** `target |= source`, in place (a block's bloom is the OR of its receipts'). */
export function orBloomInto(target: Uint8Array, source: Uint8Array): Uint8Array {
  for (let i = 0; i < BLOOM_BYTES; i++) target[i] = (target[i] as number) | (source[i] as number);
  return target;
}

/** A new bloom, the OR of `blooms`. */
export function orBloom(...blooms: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(BLOOM_BYTES);
  for (const bloom of blooms) orBloomInto(out, bloom);
  return out;
}

/**
 * Whether `value` (an address or topic, bytes or 0x-hex) may be in `bloom`: false means certainly absent, so a log
 * filter can skip the block or receipt.
 */
export function bloomContains(bloom: Uint8Array, value: Uint8Array | Hex): boolean {
  // A filter's addresses and topics are tested against every block and receipt in its range: hex ones are cached.
  const bits = typeof value === "string" ? cachedBloomBits(value) : bloomBitsOf(keccak256(value));
  for (let i = 0; i < 3; i++) {
    const bit = bits[i] as number;
    const byte = bloom[BLOOM_BYTES - 1 - (bit >> 3)] as number;
    if ((byte & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
