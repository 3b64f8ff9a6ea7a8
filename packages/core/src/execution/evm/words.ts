/**
 * 256-bit words as `bigint` (measured faster than 8×32-bit limbs in typed arrays for solc's stack-heavy code:
 * PUSH/DUP/SWAP move a pointer, and most values are small; see bench/execution/words.ts), and their conversions to
 * and from bytes, addresses and storage keys.
 */
import type { Address, Hash } from "../../chain/types.ts";

export const MAX_U256 = (1n << 256n) - 1n;
export const TWO_256 = 1n << 256n;
export const MAX_U64 = (1n << 64n) - 1n;
export const ADDRESS_MASK = (1n << 160n) - 1n;

/** Reads the big-endian word at `offset` (all 32 bytes in range) through `view` (over the same bytes). */
export function readWord(view: DataView, offset: number): bigint {
  if (view.getUint32(offset) === 0 && view.getUint32(offset + 4) === 0 && view.getUint32(offset + 8) === 0) {
    if (view.getUint32(offset + 12) === 0 && view.getUint32(offset + 16) === 0 && view.getUint32(offset + 20) === 0) {
      return view.getBigUint64(offset + 24);
    }
  }
  return (
    (view.getBigUint64(offset) << 192n) |
    (view.getBigUint64(offset + 8) << 128n) |
    (view.getBigUint64(offset + 16) << 64n) |
    view.getBigUint64(offset + 24)
  );
}

/** Writes `value` big-endian at `offset` (32 bytes in range). */
export function writeWord(view: DataView, offset: number, value: bigint): void {
  if (value <= MAX_U64) {
    view.setBigUint64(offset, 0n);
    view.setBigUint64(offset + 8, 0n);
    view.setBigUint64(offset + 16, 0n);
    view.setBigUint64(offset + 24, value);
    return;
  }
  view.setBigUint64(offset + 24, value & MAX_U64);
  view.setBigUint64(offset + 16, (value >> 64n) & MAX_U64);
  view.setBigUint64(offset + 8, (value >> 128n) & MAX_U64);
  view.setBigUint64(offset, value >> 192n);
}

/** Big-endian bytes (any length up to 32 for words; longer for precompile inputs) as a bigint. */
export function bytesToWord(bytes: Uint8Array): bigint {
  const length = bytes.length;
  if (length === 0) return 0n;
  if (length <= 6) {
    let n = 0;
    for (let i = 0; i < length; i++) n = n * 256 + (bytes[i] as number);
    return BigInt(n);
  }
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, length).toString("hex")}`);
}

/** `value` as `size` big-endian bytes (truncated to the low bytes). */
export function wordToBytes(value: bigint, size = 32): Uint8Array {
  const hex = value.toString(16).padStart(size * 2, "0");
  return Uint8Array.from(Buffer.from(hex.length > size * 2 ? hex.slice(hex.length - size * 2) : hex, "hex"));
}

/** The word read from `data` (seen through `view`) at `offset`, zero-padded past its end (CALLDATALOAD). */
export function readPaddedWord(data: Uint8Array, view: DataView, offset: number): bigint {
  const end = offset + 32;
  if (end <= data.length) return readWord(view, offset);
  if (offset >= data.length) return 0n;
  const scratch = new Uint8Array(32);
  scratch.set(data.subarray(offset));
  return readWord(new DataView(scratch.buffer), 0);
}

const addressCache = new Map<bigint, Address>();
const slotCache = new Map<bigint, Hash>();

/** The low 160 bits of a word as a lowercase 0x address (memoized: the same few addresses recur). */
export function wordToAddress(word: bigint): Address {
  const value = word > ADDRESS_MASK ? word & ADDRESS_MASK : word;
  let address = addressCache.get(value);
  if (address === undefined) {
    if (addressCache.size > 100_000) addressCache.clear();
    address = `0x${value.toString(16).padStart(40, "0")}` as Address;
    addressCache.set(value, address);
  }
  return address;
}

const wordCache = new Map<Address, bigint>();

export function addressToWord(address: Address): bigint {
  let word = wordCache.get(address);
  if (word === undefined) {
    if (wordCache.size > 100_000) wordCache.clear();
    word = BigInt(address);
    wordCache.set(address, word);
  }
  return word;
}

// The last few KECCAK256 results with their hex (a mapping slot is hashed, then loaded and stored): found by
// comparison, never entering the memo below.
const RECENT = 4;
const recentWords: bigint[] = new Array<bigint>(RECENT).fill(-1n);
const recentSlots: Hash[] = new Array<Hash>(RECENT).fill("0x");
let recentNext = 0;

/** Remembers a KECCAK256 result (`word`, from `digest`) as a likely storage key. */
export function rememberSlot(word: bigint, digest: Uint8Array): void {
  recentWords[recentNext] = word;
  recentSlots[recentNext] = `0x${Buffer.from(digest.buffer, digest.byteOffset, 32).toString("hex")}` as Hash;
  recentNext = (recentNext + 1) % RECENT;
}

/** A storage key as Mach's state keys it: 0x and 64 lowercase hex digits (memoized per word). */
export function wordToSlot(word: bigint): Hash {
  for (let i = 0; i < RECENT; i++) if (recentWords[i] === word) return recentSlots[i] as Hash;
  let slot = slotCache.get(word);
  if (slot === undefined) {
    if (slotCache.size > 200_000) slotCache.clear();
    slot = `0x${word.toString(16).padStart(64, "0")}` as Hash;
    slotCache.set(word, slot);
  }
  return slot;
}

/** Signed view of a word (two's complement). */
export function toSigned(word: bigint): bigint {
  return word >= 1n << 255n ? word - TWO_256 : word;
}

/** A signed result back into a word. */
export function fromSigned(value: bigint): bigint {
  return value < 0n ? value + TWO_256 : value;
}

/** Bytes to address hex. */
export function bytesToAddress(bytes: Uint8Array): Address {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}` as Address;
}
