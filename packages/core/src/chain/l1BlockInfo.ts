/**
 * The L1 origin as L2 blocks carry it: the L1 block reference, the `SystemConfig` values read at it, and the OP
 * Ecotone L1-attributes deposit, the first transaction of every L2 block. Its calldata is packed (no ABI encoding)
 * after the selector of `setL1BlockValuesEcotone()` (op-node `L1BlockInfo.marshalBinaryEcotone`):
 *
 *   0x440a5e20 ‖ baseFeeScalar u32 ‖ blobBaseFeeScalar u32 ‖ sequenceNumber u64 ‖ timestamp u64 ‖ number u64 ‖
 *   basefee u256 ‖ blobBaseFee u256 ‖ hash b32 ‖ batcherHash b32                                    (164 bytes)
 *
 * sent from the depositor account 0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001 to `L1Block` (0x4200…0015) with gas
 * limit 1,000,000, no mint, no value, `isSystemTransaction` false (Regolith), and the L1-info source hash
 * keccak256(bytes32(1) ‖ keccak256(l1BlockHash ‖ bytes32(sequenceNumber))).
 */
import { MachError } from "../errors.ts";
import { bigintToFixedBytes, bytesToBigint, bytesToHex, hexToBytes } from "./bytes.ts";
import { L1_ATTRIBUTES_DEPOSIT_GAS, L1_ATTRIBUTES_DEPOSITOR, Predeploys } from "./constants.ts";
import { l1InfoDepositSourceHash } from "./deposit.ts";
import { buildTransaction } from "./transaction.ts";
import type { Hash, Transaction } from "./types.ts";

/** An L1 block as L2 refers to it (the L1 origin of an L2 block). */
export interface L1BlockRef {
  readonly number: bigint;
  readonly hash: Hash;
  readonly parentHash: Hash;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly blobBaseFee: bigint;
}

/** What the L1-attributes deposit carries of `SystemConfig`, read at the L1 origin. */
export interface L1SystemConfig {
  /** Ecotone L1 data-fee scalars (uint32, 6 decimals). */
  readonly baseFeeScalar: bigint;
  readonly blobBaseFeeScalar: bigint;
  /** `bytes32(uint256(uint160(batcher)))`. */
  readonly batcherHash: Hash;
}

/** The attributes an L1-attributes deposit writes into `L1Block`. */
export interface L1BlockInfo {
  readonly number: bigint;
  readonly hash: Hash;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly blobBaseFee: bigint;
  /** Position of the L2 block within its L1 origin's epoch (0 for the first L2 block of the origin). */
  readonly sequenceNumber: bigint;
  readonly baseFeeScalar: bigint;
  readonly blobBaseFeeScalar: bigint;
  readonly batcherHash: Hash;
}

/** Calldata that is not an Ecotone L1-attributes call, or a block that does not start with one. */
export class L1BlockInfoError extends MachError {
  override name = "L1BlockInfoError";
}

/** `setL1BlockValuesEcotone()`. */
export const SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR: Uint8Array = Uint8Array.of(0x44, 0x0a, 0x5e, 0x20);
/** Length of the Ecotone L1-info calldata (op-node `L1InfoEcotoneLen`). */
export const L1_BLOCK_INFO_ECOTONE_BYTES = 164;

export function l1BlockInfoOf(origin: L1BlockRef, systemConfig: L1SystemConfig, sequenceNumber: bigint): L1BlockInfo {
  return {
    number: origin.number,
    hash: origin.hash,
    timestamp: origin.timestamp,
    baseFeePerGas: origin.baseFeePerGas,
    blobBaseFee: origin.blobBaseFee,
    sequenceNumber,
    baseFeeScalar: systemConfig.baseFeeScalar,
    blobBaseFeeScalar: systemConfig.blobBaseFeeScalar,
    batcherHash: systemConfig.batcherHash,
  };
}

export function encodeL1BlockInfo(info: L1BlockInfo): Uint8Array {
  const out = new Uint8Array(L1_BLOCK_INFO_ECOTONE_BYTES);
  out.set(SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR, 0);
  out.set(bigintToFixedBytes(info.baseFeeScalar, 4), 4);
  out.set(bigintToFixedBytes(info.blobBaseFeeScalar, 4), 8);
  out.set(bigintToFixedBytes(info.sequenceNumber, 8), 12);
  out.set(bigintToFixedBytes(info.timestamp, 8), 20);
  out.set(bigintToFixedBytes(info.number, 8), 28);
  out.set(bigintToFixedBytes(info.baseFeePerGas, 32), 36);
  out.set(bigintToFixedBytes(info.blobBaseFee, 32), 68);
  out.set(word(info.hash, "hash"), 100);
  out.set(word(info.batcherHash, "batcherHash"), 132);
  return out;
}

function word(hash: Hash, name: string): Uint8Array {
  const bytes = hexToBytes(hash);
  if (bytes.length !== 32) throw new L1BlockInfoError(`L1 block info: ${name} must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

/** The attributes in Ecotone L1-info calldata; throws `L1BlockInfoError` on another length or selector. */
export function decodeL1BlockInfo(data: Uint8Array): L1BlockInfo {
  if (data.length !== L1_BLOCK_INFO_ECOTONE_BYTES)
    throw new L1BlockInfoError(`expected ${L1_BLOCK_INFO_ECOTONE_BYTES} bytes of L1 info, got ${data.length}`);
  for (let i = 0; i < 4; i++)
    if (data[i] !== SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR[i])
      throw new L1BlockInfoError(`expected selector 0x440a5e20, got ${bytesToHex(data, 0, 4)}`);
  return {
    baseFeeScalar: bytesToBigint(data, 4, 8),
    blobBaseFeeScalar: bytesToBigint(data, 8, 12),
    sequenceNumber: bytesToBigint(data, 12, 20),
    timestamp: bytesToBigint(data, 20, 28),
    number: bytesToBigint(data, 28, 36),
    baseFeePerGas: bytesToBigint(data, 36, 68),
    blobBaseFee: bytesToBigint(data, 68, 100),
    hash: bytesToHex(data, 100, 132),
    batcherHash: bytesToHex(data, 132, 164),
  };
}

/** The L1-attributes deposit for `info`: transaction 0 of every L2 block. */
export function l1AttributesDeposit(info: L1BlockInfo): Transaction {
  return buildTransaction({
    type: 0x7e,
    sourceHash: l1InfoDepositSourceHash(info.hash, info.sequenceNumber),
    from: L1_ATTRIBUTES_DEPOSITOR,
    to: Predeploys.L1Block,
    mint: 0n,
    value: 0n,
    gasLimit: L1_ATTRIBUTES_DEPOSIT_GAS,
    isSystemTransaction: false,
    data: encodeL1BlockInfo(info),
  });
}

/**
 * The L1 block info of a block from its first transaction (what a restarted sequencer and derivation read back);
 * throws `L1BlockInfoError` when the block does not start with an L1-attributes deposit.
 */
export function l1BlockInfoOfBlock(block: { readonly transactions: readonly Transaction[] }): L1BlockInfo {
  const first = block.transactions[0];
  if (
    first === undefined ||
    first.type !== 0x7e ||
    first.from !== L1_ATTRIBUTES_DEPOSITOR ||
    first.to !== Predeploys.L1Block
  ) {
    throw new L1BlockInfoError("the block does not start with an L1-attributes deposit");
  }
  const info = decodeL1BlockInfo(first.data);
  if (first.sourceHash !== l1InfoDepositSourceHash(info.hash, info.sequenceNumber))
    throw new L1BlockInfoError("the L1-attributes deposit's source hash does not match its L1 info");
  return info;
}
