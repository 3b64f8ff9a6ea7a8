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

import { type ByteDecodeProblem, ByteReader } from "../chain/byteReader.ts";
import { bigintByteLength, hexToBytes, writeBigint } from "../chain/bytes.ts";
import { ByteWriter, varintByteLength } from "../chain/byteWriter.ts";
import { KECCAK_EMPTY } from "../chain/constants.ts";
import { keccak256Hex } from "../chain/hash.ts";
import type { AccountDiff, StateDiff } from "../chain/stateDiff.ts";
import type { Address, Hash } from "../chain/types.ts";
import { TwoGenerationCache } from "../twoGenerationCache.ts";
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
  if (typeof holder !== "string") return hashMappingSlot(holder, base);
  const key = `${holder}:${base}`;
  let slot = recentMappingSlots.get(key);
  if (slot === undefined) {
    slot = hashMappingSlot(hexToBytes(holder), base);
    recentMappingSlots.set(key, slot);
  }
  return slot;
}

function hashMappingSlot(holder: Uint8Array, base: bigint): Hash {
  const preimage = new Uint8Array(64);
  preimage.set(holder, 12);
  const length = bigintByteLength(base);
  writeBigint(preimage, 64 - length, base, length);
  return keccak256Hex(preimage);
}

/**
 * Mapping slots computed lately, by holder and base (per thread). A token's holders recur from one diff to the next,
 * and every thread that decodes a diff (a replica's range verifier and read workers) or encodes one (the sequencer
 * checks each preimage) would hash each of them again: a keccak per ERC-20 balance, a third of decoding a transfer's
 * diff.
 */
const recentMappingSlots = new TwoGenerationCache<string, Hash>(1 << 14);

const DELETED = 1;
const STORAGE_CLEARED = 2;
const HAS_CODE = 4;
const CODE_HASH_EMPTY = 8;
const CODE_HASH_OF_CODE = 16;
const KNOWN_FLAGS = DELETED | STORAGE_CLEARED | HAS_CODE | CODE_HASH_EMPTY | CODE_HASH_OF_CODE;

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
  let length = 1 + varintByteLength(diff.accounts.length);
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
      length += varintByteLength(entry.code.length) + entry.code.length;
    }
    if (entry.account === null) {
      flags |= DELETED;
    } else {
      const account = entry.account;
      if (account.nonce < 0n || account.nonce >= 1n << 64n) throw new RangeError("nonce must fit 64 bits");
      balanceLength = intLength(account.balance, "balance");
      length += varintByteLength(account.nonce) + 1 + balanceLength;
      if (account.codeHash === KECCAK_EMPTY) flags |= CODE_HASH_EMPTY;
      else if (entry.code !== undefined && keccak256Hex(entry.code) === account.codeHash) flags |= CODE_HASH_OF_CODE;
      else length += 32;
    }
    length += varintByteLength(entry.storage.size);
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
        plan.kind === KEY_RAW
          ? 32
          : (plan.kind === KEY_HOLDER ? 20 : varintByteLength(plan.ref)) + varintByteLength(plan.base);
      length += 1 + keyLength + valueLength;
    }
    plans.push({ entry, flags, balanceLength, slots });
  }
  const w = new ByteWriter(length);
  w.u8(STATE_DIFF_VERSION);
  w.varint(diff.accounts.length);
  for (const entry of diff.accounts) w.hex(entry.address);
  for (const { entry, flags, balanceLength, slots } of plans) {
    w.u8(flags);
    if (entry.account !== null) {
      w.varintBig(entry.account.nonce);
      w.u256(entry.account.balance, balanceLength);
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
        w.varintBig(plan.base);
      }
      w.uintBytes(plan.value, plan.valueLength);
    }
  }
  if (w.length !== length) throw new Error(`state diff length mismatch: ${w.length} != ${length}`);
  return w.finish();
}

/** A byte-level problem of a diff, worded as `StateDiffDecodeError` has always worded it. */
function stateDiffDecodeError(problem: ByteDecodeProblem): StateDiffDecodeError {
  switch (problem.kind) {
    case "truncated":
      return new StateDiffDecodeError(
        `truncated ${problem.field} at byte ${problem.offset}: need ${problem.needed}, have ${problem.remaining}`,
      );
    case "varintTooLong":
      return new StateDiffDecodeError(`${problem.field} varint too long at byte ${problem.offset}`);
    case "varintNotMinimal":
      return new StateDiffDecodeError(`${problem.field} varint not minimal at byte ${problem.offset}`);
    case "varintTooLarge":
      return new StateDiffDecodeError(`${problem.field} exceeds ${problem.maxBits} bits`);
    case "uintTooLong":
      return new StateDiffDecodeError(`${problem.field} length ${problem.length} exceeds 32 bytes`);
    case "leadingZero":
      return new StateDiffDecodeError(`${problem.field} has a leading zero byte at ${problem.offset}`);
    case "countTooLarge":
      return new StateDiffDecodeError(
        `${problem.field} ${problem.count} exceeds the remaining ${problem.remaining} bytes`,
      );
    case "trailingBytes":
      return new StateDiffDecodeError(`${problem.remaining} trailing bytes`);
  }
}

/** Decodes `encodeStateDiff`'s output; any malformed input throws `StateDiffDecodeError`. */
export function decodeStateDiff(bytes: Uint8Array): StateDiff {
  const r = new ByteReader(bytes, stateDiffDecodeError);
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
      nonce = r.varintBig("nonce", 64);
      balance = r.u256("balance");
    }
    let code: Uint8Array | undefined;
    if ((flags & HAS_CODE) !== 0) code = r.copy(r.varint("code length", 32), "code");
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
          const ref = r.varint("mapping holder index", 32);
          if (ref >= count)
            throw new StateDiffDecodeError(`mapping holder index ${ref} out of range (${count} accounts)`);
          holder = addresses[ref]!;
        }
        const base = r.varintBig("mapping base slot", 256);
        slot = mappingSlot(holder, base);
        preimage = { holder, base };
      } else {
        throw new StateDiffDecodeError(`unknown slot key kind ${kind} for ${address}`);
      }
      if (storage.has(slot)) throw new StateDiffDecodeError(`slot ${slot} of ${address} appears twice`);
      storage.set(slot, r.uintBytes(header & 63, "storage value"));
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
  r.end();
  // Keep the preimages so that re-encoding (a replica relaying the diff) yields the same bytes.
  const diff: StateDiff = slotPreimages.size === 0 ? { accounts } : { accounts, slotPreimages };
  encodedDiffs.set(diff, bytes);
  return diff;
}

/**
 * One encoding per diff object, kept with it: a sealed mini-block's diff is encoded for its record and again for each
 * read worker it is sent to, and a replica receives it encoded. Diffs are immutable once sealed.
 */
const encodedDiffs = new WeakMap<StateDiff, Uint8Array>();

/**
 * Keeps `bytes` as `diff`'s encoding: for a diff that `decodeStateDiff` built from exactly these bytes (in another
 * thread: a worker's result arrives as a copy, without the encoding kept with it).
 */
export function keepStateDiffEncoding(diff: StateDiff, bytes: Uint8Array): void {
  encodedDiffs.set(diff, bytes);
}

/** An encoding of `diff` (`encodeStateDiff`'s, or the bytes it was decoded from), made at most once per diff. */
export function encodedStateDiff(diff: StateDiff): Uint8Array {
  let bytes = encodedDiffs.get(diff);
  if (bytes === undefined) {
    bytes = encodeStateDiff(diff);
    encodedDiffs.set(diff, bytes);
  }
  return bytes;
}
