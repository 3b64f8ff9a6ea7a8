// The L1-info deposit's calldata (OP Ecotone): the first transaction of every L2 block, from the depositor account
// to `L1Block`, carries the L1 origin's attributes packed after the selector of `setL1BlockValuesEcotone()`:
//
//   0x440a5e20 ‖ baseFeeScalar u32 ‖ blobBaseFeeScalar u32 ‖ sequenceNumber u64 ‖ timestamp u64 ‖ number u64 ‖
//   basefee u256 ‖ blobBaseFee u256 ‖ hash b32 ‖ batcherHash b32                                    (164 bytes)
//
// Also here: where `L1Block` keeps the fee parameters in storage, for a node that reads them from state after the
// deposit as op-geth does (the read is consensus-critical: it sees the deposit of the same block).
import { bytesToHex, concat, type Hex, hexToBigInt, numberToHex, size, slice } from "viem";
import type { EcotoneL1FeeParameters } from "./l1Fee.ts";

/** The L1 origin's attributes as `L1Block` stores them (its getter names). */
export interface L1BlockInfoEcotone {
  readonly baseFeeScalar: number;
  readonly blobBaseFeeScalar: number;
  /** Position of the L2 block within its L1 origin's epoch (0 for the first L2 block of a new origin). */
  readonly sequenceNumber: bigint;
  readonly timestamp: bigint;
  readonly number: bigint;
  readonly basefee: bigint;
  readonly blobBaseFee: bigint;
  readonly hash: Hex;
  /** `bytes32(uint256(uint160(batcher)))`, from `SystemConfig.batcherHash()`. */
  readonly batcherHash: Hex;
}

/** `setL1BlockValuesEcotone()`. */
export const SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR = "0x440a5e20";
/** Length of the Ecotone L1-info calldata in bytes (op-node `L1InfoEcotoneLen`). */
export const L1_BLOCK_INFO_ECOTONE_BYTES = 164;

/** Thrown by `decodeL1BlockInfoEcotone` for calldata that is not an Ecotone L1-info call. */
export class InvalidL1BlockInfoError extends Error {
  override name = "InvalidL1BlockInfoError";
}

const UINT32_MAX = 0xffff_ffff;
const UINT64_MAX = (1n << 64n) - 1n;

function checkRange(name: string, value: bigint | number, max: bigint): void {
  if (BigInt(value) < 0n || BigInt(value) > max) throw new RangeError(`L1 block info: ${name} ${value} out of range`);
}

function checkWord(name: string, value: Hex): void {
  if (size(value) !== 32) throw new RangeError(`L1 block info: ${name} must be 32 bytes, got ${size(value)}`);
}

/** Packed calldata of the L1-info deposit (`to` = `L1Block`, `from` = the depositor account). */
export function encodeL1BlockInfoEcotone(info: L1BlockInfoEcotone): Hex {
  checkRange("baseFeeScalar", info.baseFeeScalar, BigInt(UINT32_MAX));
  checkRange("blobBaseFeeScalar", info.blobBaseFeeScalar, BigInt(UINT32_MAX));
  checkRange("sequenceNumber", info.sequenceNumber, UINT64_MAX);
  checkRange("timestamp", info.timestamp, UINT64_MAX);
  checkRange("number", info.number, UINT64_MAX);
  checkWord("hash", info.hash);
  checkWord("batcherHash", info.batcherHash);
  return concat([
    SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR,
    numberToHex(info.baseFeeScalar, { size: 4 }),
    numberToHex(info.blobBaseFeeScalar, { size: 4 }),
    numberToHex(info.sequenceNumber, { size: 8 }),
    numberToHex(info.timestamp, { size: 8 }),
    numberToHex(info.number, { size: 8 }),
    numberToHex(info.basefee, { size: 32 }),
    numberToHex(info.blobBaseFee, { size: 32 }),
    info.hash,
    info.batcherHash,
  ]);
}

/** The attributes in Ecotone L1-info calldata; throws `InvalidL1BlockInfoError` on another selector or length. */
export function decodeL1BlockInfoEcotone(data: Hex | Uint8Array): L1BlockInfoEcotone {
  const hex = typeof data === "string" ? data : bytesToHex(data);
  if (size(hex) !== L1_BLOCK_INFO_ECOTONE_BYTES)
    throw new InvalidL1BlockInfoError(`expected ${L1_BLOCK_INFO_ECOTONE_BYTES} bytes of L1 info, got ${size(hex)}`);
  const selector = slice(hex, 0, 4);
  if (selector !== SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR)
    throw new InvalidL1BlockInfoError(`expected selector ${SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR}, got ${selector}`);
  const uint = (start: number, end: number) => hexToBigInt(slice(hex, start, end, { strict: true }));
  return {
    baseFeeScalar: Number(uint(4, 8)),
    blobBaseFeeScalar: Number(uint(8, 12)),
    sequenceNumber: uint(12, 20),
    timestamp: uint(20, 28),
    number: uint(28, 36),
    basefee: uint(36, 68),
    blobBaseFee: uint(68, 100),
    hash: slice(hex, 100, 132, { strict: true }),
    batcherHash: slice(hex, 132, 164, { strict: true }),
  };
}

/**
 * `L1Block`'s storage slots (OP layout). Slot 3 packs, from the low end: `sequenceNumber` u64, `blobBaseFeeScalar`
 * u32, `baseFeeScalar` u32; slot 0 packs `number` u64 (low) and `timestamp` u64.
 */
export const l1BlockStorageSlots = {
  numberTimestamp: 0n,
  basefee: 1n,
  hash: 2n,
  sequenceNumberScalars: 3n,
  batcherHash: 4n,
  l1FeeOverhead: 5n,
  l1FeeScalar: 6n,
  blobBaseFee: 7n,
  operatorFee: 8n,
} as const;

/** The Ecotone fee parameters from `L1Block`'s slots 1, 3 and 7 (op-geth reads the same words). */
export function ecotoneL1FeeParametersFromStorage(slots: {
  readonly basefee: bigint;
  readonly sequenceNumberScalars: bigint;
  readonly blobBaseFee: bigint;
}): EcotoneL1FeeParameters {
  return {
    l1BaseFee: slots.basefee,
    blobBaseFee: slots.blobBaseFee,
    blobBaseFeeScalar: Number((slots.sequenceNumberScalars >> 64n) & 0xffff_ffffn),
    baseFeeScalar: Number((slots.sequenceNumberScalars >> 96n) & 0xffff_ffffn),
  };
}

/** The fee parameters an L1-info deposit sets. */
export function ecotoneL1FeeParametersOf(info: L1BlockInfoEcotone): EcotoneL1FeeParameters {
  return {
    l1BaseFee: info.basefee,
    blobBaseFee: info.blobBaseFee,
    baseFeeScalar: info.baseFeeScalar,
    blobBaseFeeScalar: info.blobBaseFeeScalar,
  };
}
