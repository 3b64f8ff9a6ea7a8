/**
 * The binary encoding of a `StateDiff` (mini-block streams, the store, p2p). Version 1:
 *
 *   diff    = version:u8(=1) count:varint account*
 *   account = address:20 flags:u8
 *             [nonce:varint balance:int]            unless DELETED
 *             [codeLength:varint code]              if HAS_CODE
 *             [codeHash:32]                         unless DELETED, CODE_HASH_EMPTY or CODE_HASH_OF_CODE
 *             slotCount:varint (key:32 value:int)*
 *   int     = length:u8(0..32) big-endian bytes without leading zeros (0 → length 0)
 *   flags   = DELETED 1 | STORAGE_CLEARED 2 | HAS_CODE 4 | CODE_HASH_EMPTY 8 | CODE_HASH_OF_CODE 16
 *
 * Each address appears once; the code hash is omitted when it is keccak("") or the hash of the code carried along.
 * Decoding validates every length and rejects duplicates and trailing bytes with `StateDiffDecodeError`.
 */
import { keccak256Hex } from "../chain/hash.ts";
import type { Address, Hash } from "../chain/types.ts";
import { bigintByteLength, bytesToBigint, bytesToHex, hexToBytes, writeBigint } from "./bytes.ts";
import { KECCAK_EMPTY } from "./constants.ts";
import { StateDiffDecodeError } from "./errors.ts";
import type { AccountDiff, StateDiff } from "./types.ts";

export const STATE_DIFF_VERSION = 1;

const DELETED = 1;
const STORAGE_CLEARED = 2;
const HAS_CODE = 4;
const CODE_HASH_EMPTY = 8;
const CODE_HASH_OF_CODE = 16;
const KNOWN_FLAGS = DELETED | STORAGE_CLEARED | HAS_CODE | CODE_HASH_EMPTY | CODE_HASH_OF_CODE;

function varintLength(value: number | bigint): number {
  let length = 1;
  if (typeof value === "number") {
    while (value >= 128) {
      value = Math.floor(value / 128);
      length++;
    }
    return length;
  }
  while (value >= 128n) {
    value >>= 7n;
    length++;
  }
  return length;
}

class Writer {
  readonly bytes: Uint8Array;
  offset = 0;
  constructor(length: number) {
    this.bytes = new Uint8Array(length);
  }
  u8(value: number): void {
    this.bytes[this.offset++] = value;
  }
  raw(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
  }
  hex(hex: string): void {
    this.raw(hexToBytes(hex));
  }
  varint(value: number | bigint): void {
    if (typeof value === "number" || value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      let n = Number(value);
      while (n >= 128) {
        this.bytes[this.offset++] = (n % 128) | 128;
        n = Math.floor(n / 128);
      }
      this.bytes[this.offset++] = n;
      return;
    }
    let v = value;
    while (v >= 128n) {
      this.bytes[this.offset++] = Number(v & 127n) | 128;
      v >>= 7n;
    }
    this.bytes[this.offset++] = Number(v);
  }
  int(value: bigint, length: number): void {
    this.bytes[this.offset++] = length;
    writeBigint(this.bytes, this.offset, value, length);
    this.offset += length;
  }
}

function intLength(value: bigint, name: string): number {
  if (value < 0n) throw new RangeError(`${name} must be non-negative`);
  const length = bigintByteLength(value);
  if (length > 32) throw new RangeError(`${name} exceeds 256 bits`);
  return length;
}

interface Plan {
  readonly entry: AccountDiff;
  readonly flags: number;
  readonly balanceLength: number;
  readonly valueLengths: number[];
}

/** Encodes a diff (version 1). Throws RangeError on values no diff can hold (negative or > 256 bits). */
export function encodeStateDiff(diff: StateDiff): Uint8Array {
  let length = 1 + varintLength(diff.accounts.length);
  const plans: Plan[] = [];
  for (const entry of diff.accounts) {
    let flags = entry.storageCleared ? STORAGE_CLEARED : 0;
    let balanceLength = 0;
    length += 21;
    if (entry.code !== undefined) {
      flags |= HAS_CODE;
      length += varintLength(entry.code.length) + entry.code.length;
    }
    if (entry.account === null) {
      flags |= DELETED;
    } else {
      const account = entry.account;
      if (account.nonce < 0n || account.nonce >= 1n << 64n) throw new RangeError("nonce must fit 64 bits");
      balanceLength = intLength(account.balance, "balance");
      length += varintLength(account.nonce) + 1 + balanceLength;
      if (account.codeHash === KECCAK_EMPTY) flags |= CODE_HASH_EMPTY;
      else if (entry.code !== undefined && keccak256Hex(entry.code) === account.codeHash) flags |= CODE_HASH_OF_CODE;
      else length += 32;
    }
    length += varintLength(entry.storage.size);
    const valueLengths: number[] = [];
    for (const value of entry.storage.values()) {
      const valueLength = intLength(value, "storage value");
      valueLengths.push(valueLength);
      length += 33 + valueLength;
    }
    plans.push({ entry, flags, balanceLength, valueLengths });
  }
  const w = new Writer(length);
  w.u8(STATE_DIFF_VERSION);
  w.varint(diff.accounts.length);
  for (const { entry, flags, balanceLength, valueLengths } of plans) {
    w.hex(entry.address);
    w.u8(flags);
    if (entry.account !== null) {
      w.varint(entry.account.nonce);
      w.int(entry.account.balance, balanceLength);
    }
    if (entry.code !== undefined) {
      w.varint(entry.code.length);
      w.raw(entry.code);
    }
    if (entry.account !== null && (flags & (CODE_HASH_EMPTY | CODE_HASH_OF_CODE)) === 0) w.hex(entry.account.codeHash);
    w.varint(entry.storage.size);
    let i = 0;
    for (const [slot, value] of entry.storage) {
      w.hex(slot);
      w.int(value, valueLengths[i++]!);
    }
  }
  if (w.offset !== length) throw new Error(`state diff length mismatch: ${w.offset} != ${length}`);
  return w.bytes;
}

class Reader {
  readonly bytes: Uint8Array;
  offset = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  need(length: number, what: string): void {
    if (length > this.remaining) {
      throw new StateDiffDecodeError(
        `truncated ${what} at byte ${this.offset}: need ${length}, have ${this.remaining}`,
      );
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }
  hex(length: number, what: string): string {
    this.need(length, what);
    const hex = bytesToHex(this.bytes, this.offset, this.offset + length);
    this.offset += length;
    return hex;
  }
  bytesOf(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
  /** LEB128, at most `maxBits` bits, minimal (no trailing zero groups). */
  varint(what: string, maxBits: number): bigint {
    let value = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      if (i * 7 >= maxBits + 7) throw new StateDiffDecodeError(`${what} varint too long at byte ${this.offset}`);
      const byte = this.u8(what);
      value |= BigInt(byte & 127) << shift;
      if ((byte & 128) === 0) {
        if (byte === 0 && i > 0)
          throw new StateDiffDecodeError(`${what} varint not minimal at byte ${this.offset - 1}`);
        break;
      }
      shift += 7n;
    }
    if (value >> BigInt(maxBits) !== 0n) throw new StateDiffDecodeError(`${what} exceeds ${maxBits} bits`);
    return value;
  }
  count(what: string, minBytesEach: number): number {
    const count = Number(this.varint(what, 32));
    if (count * minBytesEach > this.remaining) {
      throw new StateDiffDecodeError(`${what} ${count} exceeds the remaining ${this.remaining} bytes`);
    }
    return count;
  }
  int(what: string): bigint {
    const length = this.u8(what);
    if (length > 32) throw new StateDiffDecodeError(`${what} length ${length} exceeds 32 bytes`);
    this.need(length, what);
    if (length > 0 && this.bytes[this.offset] === 0) {
      throw new StateDiffDecodeError(`${what} has a leading zero byte at ${this.offset}`);
    }
    const value = bytesToBigint(this.bytes, this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

/** Decodes `encodeStateDiff`'s output; any malformed input throws `StateDiffDecodeError`. */
export function decodeStateDiff(bytes: Uint8Array): StateDiff {
  const r = new Reader(bytes);
  const version = r.u8("version");
  if (version !== STATE_DIFF_VERSION) throw new StateDiffDecodeError(`unknown state diff version ${version}`);
  const count = r.count("account count", 22);
  const accounts: AccountDiff[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const address = r.hex(20, "address") as Address;
    if (seen.has(address)) throw new StateDiffDecodeError(`address ${address} appears twice`);
    seen.add(address);
    const flags = r.u8("flags");
    if ((flags & ~KNOWN_FLAGS) !== 0) throw new StateDiffDecodeError(`unknown flags ${flags} for ${address}`);
    const deleted = (flags & DELETED) !== 0;
    const codeHashFlags = flags & (CODE_HASH_EMPTY | CODE_HASH_OF_CODE);
    if (
      codeHashFlags === (CODE_HASH_EMPTY | CODE_HASH_OF_CODE) ||
      (deleted && codeHashFlags !== 0) ||
      ((flags & CODE_HASH_OF_CODE) !== 0 && (flags & HAS_CODE) === 0)
    ) {
      throw new StateDiffDecodeError(`inconsistent flags ${flags} for ${address}`);
    }
    let nonce = 0n;
    let balance = 0n;
    if (!deleted) {
      nonce = r.varint("nonce", 64);
      balance = r.int("balance");
    }
    let code: Uint8Array | undefined;
    if ((flags & HAS_CODE) !== 0) code = r.bytesOf(Number(r.varint("code length", 32)), "code");
    let codeHash: Hash = KECCAK_EMPTY;
    if (!deleted) {
      if ((flags & CODE_HASH_EMPTY) !== 0) codeHash = KECCAK_EMPTY;
      else if ((flags & CODE_HASH_OF_CODE) !== 0) codeHash = keccak256Hex(code!);
      else codeHash = r.hex(32, "code hash") as Hash;
    }
    const slotCount = r.count("slot count", 33);
    const storage = new Map<Hash, bigint>();
    for (let j = 0; j < slotCount; j++) {
      const slot = r.hex(32, "slot") as Hash;
      if (storage.has(slot)) throw new StateDiffDecodeError(`slot ${slot} of ${address} appears twice`);
      storage.set(slot, r.int("storage value"));
    }
    const storageCleared = (flags & STORAGE_CLEARED) !== 0;
    const account = deleted ? null : { nonce, balance, codeHash };
    accounts.push(
      code === undefined
        ? { address, account, storageCleared, storage }
        : { address, account, code, storageCleared, storage },
    );
  }
  if (r.remaining !== 0) throw new StateDiffDecodeError(`${r.remaining} trailing bytes`);
  return { accounts };
}
