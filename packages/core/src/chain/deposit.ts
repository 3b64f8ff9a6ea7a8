/**
 * OP Stack deposits (settlement.md §2.4–2.6): source hashes, L1→L2 address aliasing, and `TransactionDeposited` logs
 * of the portal into `DepositTransaction`s, validated as op-node's `deposit_log.go` does.
 */
import { MachError } from "../errors.ts";
import { bigintToFixedBytes, bytesToBigint, hexToBytes } from "./bytes.ts";
import { keccak256, keccak256Hex } from "./hash.ts";
import type { Address, DepositTransaction, Hash, Hex } from "./types.ts";

/** A `TransactionDeposited` log that op-node would refuse; derivation of its L1 block fails with it. */
export class DepositLogError extends MachError {
  override name = "DepositLogError";
}

/** Source-hash domains (`deposits.md`). */
export const DepositSourceDomain = { userDeposit: 0, l1Info: 1, upgrade: 2 } as const;
export type DepositSourceDomain = (typeof DepositSourceDomain)[keyof typeof DepositSourceDomain];

/** keccak256("TransactionDeposited(address,address,uint256,bytes)"). */
export const TRANSACTION_DEPOSITED_TOPIC: Hash = keccak256Hex(
  new TextEncoder().encode("TransactionDeposited(address,address,uint256,bytes)"),
);
/** The only deposit event version (topics[3]). */
export const DEPOSIT_EVENT_VERSION_0: Hash = `0x${"00".repeat(32)}`;

function sourceHash(domain: DepositSourceDomain, inner: Uint8Array): Hash {
  const preimage = new Uint8Array(64);
  preimage.set(bigintToFixedBytes(BigInt(domain), 32), 0);
  preimage.set(inner, 32);
  return keccak256Hex(preimage);
}

function hashAndIndex(blockHash: Hash, index: bigint): Uint8Array {
  const preimage = new Uint8Array(64);
  preimage.set(hexToBytes(blockHash), 0);
  preimage.set(bigintToFixedBytes(index, 32), 32);
  return keccak256(preimage);
}

/** keccak256(bytes32(0) ‖ keccak256(l1BlockHash ‖ bytes32(logIndex))); `logIndex` is the block-level log index. */
export function userDepositSourceHash(l1BlockHash: Hash, logIndex: bigint): Hash {
  return sourceHash(DepositSourceDomain.userDeposit, hashAndIndex(l1BlockHash, logIndex));
}

/** keccak256(bytes32(1) ‖ keccak256(l1BlockHash ‖ bytes32(seqNumber))), seqNumber = L2 block's index in its epoch. */
export function l1InfoDepositSourceHash(l1BlockHash: Hash, sequenceNumber: bigint): Hash {
  return sourceHash(DepositSourceDomain.l1Info, hashAndIndex(l1BlockHash, sequenceNumber));
}

/** keccak256(bytes32(2) ‖ keccak256(intent)) for network-upgrade deposits. */
export function upgradeDepositSourceHash(intent: string): Hash {
  return sourceHash(DepositSourceDomain.upgrade, keccak256(new TextEncoder().encode(intent)));
}

/** `AddressAliasHelper` offset, added to contract callers' addresses on L1→L2 messages. */
export const L1_TO_L2_ALIAS_OFFSET = 0x1111000000000000000000000000000000001111n;
const ADDRESS_MOD = 1n << 160n;

function toAddress(value: bigint): Address {
  return `0x${value.toString(16).padStart(40, "0")}`;
}

/** l1 + 0x1111…1111 mod 2^160, lowercase. */
export function applyL1ToL2Alias(address: Address): Address {
  return toAddress((BigInt(address) + L1_TO_L2_ALIAS_OFFSET) % ADDRESS_MOD);
}

/** l2 − 0x1111…1111 mod 2^160, lowercase. */
export function undoL1ToL2Alias(address: Address): Address {
  return toAddress((BigInt(address) - L1_TO_L2_ALIAS_OFFSET + ADDRESS_MOD) % ADDRESS_MOD);
}

/** The packed fields of a deposit: abi.encodePacked(uint256 mint, uint256 value, uint64 gasLimit, bool isCreation, bytes data). */
export interface DepositOpaqueData {
  readonly mint: bigint;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly isCreation: boolean;
  readonly data: Uint8Array;
}

const OPAQUE_MIN_LENGTH = 73;

export function decodeDepositOpaqueData(opaque: Uint8Array): DepositOpaqueData {
  if (opaque.length < OPAQUE_MIN_LENGTH)
    throw new DepositLogError(`unexpected opaque data length: ${opaque.length}`, {
      details: `at least ${OPAQUE_MIN_LENGTH} bytes expected`,
    });
  return {
    mint: bytesToBigint(opaque.subarray(0, 32)),
    value: bytesToBigint(opaque.subarray(32, 64)),
    gasLimit: bytesToBigint(opaque.subarray(64, 72)),
    // op-node: 0 ⇒ call to `to`, anything else ⇒ creation.
    isCreation: opaque[72] !== 0,
    data: opaque.slice(73),
  };
}

export function encodeDepositOpaqueData(fields: DepositOpaqueData): Uint8Array {
  const out = new Uint8Array(OPAQUE_MIN_LENGTH + fields.data.length);
  out.set(bigintToFixedBytes(fields.mint, 32), 0);
  out.set(bigintToFixedBytes(fields.value, 32), 32);
  out.set(bigintToFixedBytes(fields.gasLimit, 8), 64);
  out[72] = fields.isCreation ? 1 : 0;
  out.set(fields.data, 73);
  return out;
}

/** The `TransactionDeposited` log as L1 returns it, with its block-level position (for the source hash). */
export interface TransactionDepositedLog {
  readonly topics: readonly Hash[];
  readonly data: Uint8Array;
  readonly blockHash: Hash;
  /** Block-level log index (receipt `logIndex`). */
  readonly logIndex: bigint;
}

/**
 * The deposit transaction a `TransactionDeposited` log asks for. The caller filters by portal address, receipt
 * status and topics[0]; this checks the rest as op-node does (4 topics, version 0, ABI `bytes` framing, opaque data).
 */
export function decodeTransactionDepositedLog(log: TransactionDepositedLog): DepositTransaction {
  if (log.topics.length !== 4)
    throw new DepositLogError(
      `expected 4 event topics (event identity, indexed from, indexed to, indexed version), got ${log.topics.length}`,
    );
  if (log.topics[0]?.toLowerCase() !== TRANSACTION_DEPOSITED_TOPIC)
    throw new DepositLogError("invalid deposit event selector");
  if (log.topics[3]?.toLowerCase() !== DEPOSIT_EVENT_VERSION_0)
    throw new DepositLogError(`invalid deposit version, got ${log.topics[3]}`);
  const opaque = decodeAbiBytes(log.data);
  const fields = decodeDepositOpaqueData(opaque);
  return {
    type: 0x7e,
    sourceHash: userDepositSourceHash(log.blockHash, log.logIndex),
    from: topicAddress(log.topics[1] as Hash),
    to: fields.isCreation ? null : topicAddress(log.topics[2] as Hash),
    mint: fields.mint,
    value: fields.value,
    gasLimit: fields.gasLimit,
    // Forced false since Regolith.
    isSystemTransaction: false,
    data: fields.data,
  };
}

function topicAddress(topic: Hash): Address {
  return `0x${topic.slice(26).toLowerCase()}`;
}

/** The ABI-encoded single `bytes` argument of the event: offset 0x20, length, data padded to 32 bytes. */
function decodeAbiBytes(data: Uint8Array): Uint8Array {
  if (data.length < 64 || data.length % 32 !== 0)
    throw new DepositLogError(`invalid opaque data length ${data.length}: expected at least 64, multiple of 32`);
  const offset = bytesToBigint(data.subarray(0, 32));
  if (offset !== 32n) throw new DepositLogError(`invalid opaque data offset: ${offset}`);
  const length = bytesToBigint(data.subarray(32, 64));
  const available = BigInt(data.length - 64);
  if (length > available) throw new DepositLogError(`opaque data length ${length} exceeds available ${available}`);
  const padded = ((length + 31n) / 32n) * 32n;
  if (padded !== available)
    throw new DepositLogError(`opaque data length ${length} padded to ${padded}, but log data has ${available} bytes`);
  return data.subarray(64, 64 + Number(length));
}

/** ABI data of a `TransactionDeposited` event for `opaqueData` (what the portal emits; used by in-memory settlement). */
export function encodeTransactionDepositedData(opaqueData: Uint8Array): Uint8Array {
  const padded = Math.ceil(opaqueData.length / 32) * 32;
  const out = new Uint8Array(64 + padded);
  out[31] = 32;
  out.set(bigintToFixedBytes(BigInt(opaqueData.length), 32), 32);
  out.set(opaqueData, 64);
  return out;
}

/** The event topics for a deposit from `from` to `to` (version 0). */
export function transactionDepositedTopics(from: Address, to: Address): Hash[] {
  const pad = (a: Address): Hex => `0x${"00".repeat(12)}${a.slice(2).toLowerCase()}`;
  return [TRANSACTION_DEPOSITED_TOPIC, pad(from), pad(to), DEPOSIT_EVENT_VERSION_0];
}
