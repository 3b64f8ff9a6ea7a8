/**
 * The binary encoding of a `StateDiff` (mini-block streams, the store, p2p). Version 1:
 *
 *   diff    = version:u8(=1) count:varint address:20 × count, account × count (same order)
 *   account = flags:u8
 *             [nonce:varint balance:int]            unless DELETED
 *             [codeLength:varint code]              if HAS_CODE
 *             [codeHash:32]                         unless DELETED, CODE_HASH_EMPTY or CODE_HASH_OF_CODE
 *             slotCount:varint slot*
 *   slot    = kind:2 bits ‖ valueLength:6 bits (u8), key, value:valueLength bytes
 *   key     = kind 0: the slot:32
 *           | kind 1: mapping slot keccak(pad32(holder) ‖ pad32(base)): holder:20 base:varint
 *           | kind 2: the same with the holder given as the index (varint) of an address of this diff
 *   int     = length:u8(0..32) big-endian bytes without leading zeros (0 → length 0)
 *   flags   = DELETED 1 | STORAGE_CLEARED 2 | HAS_CODE 4 | CODE_HASH_EMPTY 8 | CODE_HASH_OF_CODE 16
 *
 * Each address appears once; the code hash is omitted when it is keccak("") or the hash of the code carried along.
 * Slot keys are 32 random-looking bytes, most of a transfer's diff; when the executor knows a slot is an
 * address-keyed mapping entry (`slotPreimages`, from the KECCAK256 inputs it saw), the key travels as its preimage
 * and the decoder rehashes it: an ERC-20 sender's balance slot then costs ~3 bytes instead of 32.
 * Decoding validates every length and rejects duplicates and trailing bytes with `StateDiffDecodeError`.
 */

import { bigintByteLength, bytesToBigint, bytesToHex, hexToBytes, writeBigint } from "../chain/bytes.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { keccak256Hex } from "../chain/hash.ts";
import type { AccountDiff, StateDiff } from "../chain/stateDiff.ts";
import type { Address, Hash } from "../chain/types.ts";
import { StateDiffDecodeError } from "./errors.ts";

export const STATE_DIFF_VERSION = 1;

/** A storage slot that is `mapping(address => …)` entry `holder` of the mapping at slot `base` (Solidity layout). */
export interface MappingSlotPreimage {
  readonly holder: Address;
  readonly base: bigint;
}

export interface EncodeStateDiffOptions {
  /**
   * Known preimages of slot keys, instead of `diff.slotPreimages` (checked: a wrong one is ignored and the raw key
   * is written).
   */
  readonly slotPreimages?: ReadonlyMap<Hash, MappingSlotPreimage>;
}

const KEY_RAW = 0;
const KEY_HOLDER = 1;
const KEY_HOLDER_REF = 2;

/** keccak256(pad32(holder) ‖ pad32(base)): the storage slot of a Solidity mapping entry. */
export function mappingSlot(holder: Address | Uint8Array, base: bigint): Hash {
  const preimage = new Uint8Array(64);
  preimage.set(typeof holder === "string" ? hexToBytes(holder) : holder, 12);
  const length = bigintByteLength(base);
  writeBigint(preimage, 64 - length, base, length);
  return keccak256Hex(preimage);
}

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
    this.value(value, length);
  }
  /** The big-endian bytes alone (the length travels elsewhere). */
  value(value: bigint, length: number): void {
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

interface SlotPlan {
  readonly slot: Hash;
  readonly value: bigint;
  readonly valueLength: number;
  readonly kind: number;
  /** KEY_HOLDER: the holder; KEY_HOLDER_REF: unused. */
  readonly holder: Address | undefined;
  /** KEY_HOLDER_REF: the account index. */
  readonly ref: number;
  readonly base: bigint;
}

interface Plan {
  readonly entry: AccountDiff;
  readonly flags: number;
  readonly balanceLength: number;
  readonly slots: SlotPlan[];
}

/** Encodes a diff (version 1). Throws RangeError on values no diff can hold (negative or > 256 bits). */
export function encodeStateDiff(diff: StateDiff, options: EncodeStateDiffOptions = {}): Uint8Array {
  let length = 1 + varintLength(diff.accounts.length);
  const plans: Plan[] = [];
  const preimages = options.slotPreimages ?? diff.slotPreimages;
  const accountIndex = new Map<Address, number>();
  if (preimages !== undefined && preimages.size > 0) {
    for (let i = 0; i < diff.accounts.length; i++) accountIndex.set(diff.accounts[i]!.address, i);
  }
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
    const slots: SlotPlan[] = [];
    for (const [slot, value] of entry.storage) {
      const valueLength = intLength(value, "storage value");
      const preimage = preimages?.get(slot);
      let plan: SlotPlan = { slot, value, valueLength, kind: KEY_RAW, holder: undefined, ref: 0, base: 0n };
      if (
        preimage !== undefined &&
        preimage.base >= 0n &&
        preimage.base < 1n << 256n &&
        mappingSlot(preimage.holder, preimage.base) === slot
      ) {
        const ref = accountIndex.get(preimage.holder);
        plan =
          ref !== undefined
            ? { ...plan, kind: KEY_HOLDER_REF, ref, base: preimage.base }
            : { ...plan, kind: KEY_HOLDER, holder: preimage.holder, base: preimage.base };
      }
      slots.push(plan);
      const keyLength =
        plan.kind === KEY_RAW ? 32 : (plan.kind === KEY_HOLDER ? 20 : varintLength(plan.ref)) + varintLength(plan.base);
      length += 1 + keyLength + valueLength;
    }
    plans.push({ entry, flags, balanceLength, slots });
  }
  const w = new Writer(length);
  w.u8(STATE_DIFF_VERSION);
  w.varint(diff.accounts.length);
  for (const entry of diff.accounts) w.hex(entry.address);
  for (const { entry, flags, balanceLength, slots } of plans) {
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
    w.varint(slots.length);
    for (const plan of slots) {
      w.u8((plan.kind << 6) | plan.valueLength);
      if (plan.kind === KEY_RAW) {
        w.hex(plan.slot);
      } else {
        if (plan.kind === KEY_HOLDER) w.hex(plan.holder!);
        else w.varint(plan.ref);
        w.varint(plan.base);
      }
      w.value(plan.value, plan.valueLength);
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
    return this.value(this.u8(what), what);
  }
  value(length: number, what: string): bigint {
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
  const slotPreimages = new Map<Hash, MappingSlotPreimage>();
  const addresses: Address[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const address = r.hex(20, "address") as Address;
    if (seen.has(address)) throw new StateDiffDecodeError(`address ${address} appears twice`);
    seen.add(address);
    addresses.push(address);
  }
  for (let i = 0; i < count; i++) {
    const address = addresses[i]!;
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
    const slotCount = r.count("slot count", 3);
    const storage = new Map<Hash, bigint>();
    for (let j = 0; j < slotCount; j++) {
      let preimage: MappingSlotPreimage | undefined;
      const header = r.u8("slot header");
      const kind = header >> 6;
      let slot: Hash;
      if (kind === KEY_RAW) {
        slot = r.hex(32, "slot") as Hash;
      } else if (kind === KEY_HOLDER || kind === KEY_HOLDER_REF) {
        let holder: Address;
        if (kind === KEY_HOLDER) {
          holder = r.hex(20, "mapping holder") as Address;
        } else {
          const ref = Number(r.varint("mapping holder index", 32));
          if (ref >= count)
            throw new StateDiffDecodeError(`mapping holder index ${ref} out of range (${count} accounts)`);
          holder = addresses[ref]!;
        }
        const base = r.varint("mapping base slot", 256);
        slot = mappingSlot(holder, base);
        preimage = { holder, base };
      } else {
        throw new StateDiffDecodeError(`unknown slot key kind ${kind} for ${address}`);
      }
      if (storage.has(slot)) throw new StateDiffDecodeError(`slot ${slot} of ${address} appears twice`);
      storage.set(slot, r.value(header & 63, "storage value"));
      if (preimage !== undefined) slotPreimages.set(slot, preimage);
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
  // Keep the preimages so that re-encoding (a replica relaying the diff) yields the same bytes.
  return slotPreimages.size === 0 ? { accounts } : { accounts, slotPreimages };
}
