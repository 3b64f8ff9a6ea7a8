/**
 * Consensus receipt encoding (what `receiptsRoot` commits to): rlp([status, cumulativeGasUsed, logsBloom, logs]),
 * prefixed by the type byte for typed transactions. OP deposit receipts append `depositNonce` (Regolith) and
 * `depositReceiptVersion` (Canyon) when present, as op-geth does.
 */
import { MachError } from "../errors.ts";
import { bloomOf } from "./bloom.ts";
import { bigintToBytes, bytesToHex, EMPTY_BYTES, hexToBytes } from "./bytes.ts";
import type { L1FeeCharge } from "./l1Fee.ts";
import {
  decodeAddress,
  decodeFixedBytes,
  decodeHash,
  decodeRlp,
  decodeUint,
  encodeRlp,
  expectBytes,
  expectList,
  RlpDecodeError,
  type RlpInput,
  type RlpItem,
} from "./rlp.ts";
import { type Log, type Receipt, TxType } from "./types.ts";

/** The part of a receipt that consensus hashes. */
export type ConsensusReceipt = Pick<
  Receipt,
  "type" | "status" | "cumulativeGasUsed" | "logsBloom" | "logs" | "depositNonce" | "depositReceiptVersion"
>;

const STATUS_SUCCESS = Uint8Array.of(1);

export function encodeLog(log: Log): RlpInput {
  return [hexToBytes(log.address), log.topics.map(hexToBytes), log.data];
}

export function decodeLog(item: RlpItem): Log {
  const f = expectList(item, 3, "types.Log");
  const topics = f[1] as RlpItem;
  if (!Array.isArray(topics)) throw new RlpDecodeError("rlp: expected input list for []common.Hash");
  return {
    address: decodeAddress(f[0], "common.Address, decoding into (types.Log).Address"),
    topics: topics.map((t) => decodeHash(t, "common.Hash, decoding into (types.Log).Topics")),
    data: expectBytes(f[2], "[]uint8, decoding into (types.Log).Data"),
  };
}

/**
 * Receipts are immutable once built, and each is encoded up to four times (its mini-block's receipts root and log
 * record, its block's receipts root and record): the encoding is kept with the receipt. Callers never write to it.
 */
const encodedReceipts = new WeakMap<ConsensusReceipt, Uint8Array>();

/** Consensus encoding of a receipt: `rlp(...)` for legacy, `type ‖ rlp(...)` for typed. */
export function encodeReceipt(receipt: ConsensusReceipt): Uint8Array {
  let encoded = encodedReceipts.get(receipt);
  if (encoded === undefined) {
    encoded = encodeReceiptFields(receipt);
    encodedReceipts.set(receipt, encoded);
  }
  return encoded;
}

/**
 * Keeps `encoded` as `receipt`'s encoding: for a receipt built from bytes `decodeReceipt` accepted (a stored or
 * received record), so that its roots and records do not encode it again. `decodeReceipt` admits only what
 * `encodeReceipt` writes (canonical RLP, canonical integers, fixed-size fields, no trailing bytes; tested by mutating
 * encodings), so the bytes it accepted are the encoding.
 */
export function keepReceiptEncoding(receipt: ConsensusReceipt, encoded: Uint8Array): void {
  encodedReceipts.set(receipt, encoded);
}

/** The encoding, computed (not the kept one). */
export function encodeReceiptFields(receipt: ConsensusReceipt): Uint8Array {
  const fields: RlpInput[] = [
    receipt.status === 1 ? STATUS_SUCCESS : EMPTY_BYTES,
    bigintToBytes(receipt.cumulativeGasUsed),
    receipt.logsBloom,
    receipt.logs.map(encodeLog),
  ];
  if (receipt.type === TxType.deposit) {
    if (receipt.depositNonce !== undefined) {
      fields.push(bigintToBytes(receipt.depositNonce));
      if (receipt.depositReceiptVersion !== undefined) fields.push(bigintToBytes(receipt.depositReceiptVersion));
    } else if (receipt.depositReceiptVersion !== undefined) {
      throw new MachError("deposit receipt has depositReceiptVersion without depositNonce");
    }
  }
  const payload = encodeRlp(fields);
  if (receipt.type === TxType.legacy) return payload;
  const out = new Uint8Array(payload.length + 1);
  out[0] = receipt.type;
  out.set(payload, 1);
  return out;
}

const RECEIPT_TYPES = new Set<number>([TxType.accessList, TxType.eip1559, TxType.setCode, TxType.deposit]);

/** Decodes a consensus receipt encoding; throws `RlpDecodeError`. */
export function decodeReceipt(raw: Uint8Array): ConsensusReceipt {
  if (raw.length === 0) throw new RlpDecodeError("typed receipt too short");
  const first = raw[0] as number;
  let type: TxType;
  let item: RlpItem;
  if (first >= 0xc0) {
    type = TxType.legacy;
    item = decodeRlp(raw);
  } else {
    if (!RECEIPT_TYPES.has(first)) throw new RlpDecodeError("transaction type not supported");
    type = first as TxType;
    item = decodeRlp(raw.subarray(1));
  }
  if (!Array.isArray(item)) throw new RlpDecodeError("rlp: expected input list for types.receiptRLP");
  const max = type === TxType.deposit ? 6 : 4;
  if (item.length < 4) throw new RlpDecodeError("rlp: too few elements for types.receiptRLP");
  if (item.length > max) throw new RlpDecodeError("rlp: input list has too many elements for types.receiptRLP");
  const status = expectBytes(item[0], "receipt status");
  // Pre-Byzantium receipts carried a 32-byte post-state root here; Mach never produces them.
  if (status.length > 1 || (status.length === 1 && status[0] !== 1))
    throw new RlpDecodeError(`rlp: invalid receipt status ${bytesToHex(status)}`);
  const logs = item[3] as RlpItem;
  if (!Array.isArray(logs)) throw new RlpDecodeError("rlp: expected input list for []*types.Log");
  const receipt = {
    type,
    status: status.length === 1 ? 1 : 0,
    cumulativeGasUsed: decodeUint(item[1], "uint64, decoding into (types.receiptRLP).CumulativeGasUsed", 8),
    logsBloom: decodeFixedBytes(item[2], 256, "types.Bloom, decoding into (types.receiptRLP).Bloom"),
    logs: logs.map(decodeLog),
  } as const;
  if (item.length === 4) return receipt;
  const depositNonce = decodeUint(item[4], "uint64, decoding into (types.depositReceiptRLP).DepositNonce", 8);
  if (item.length === 5) return { ...receipt, depositNonce };
  const depositReceiptVersion = decodeUint(
    item[5],
    "uint64, decoding into (types.depositReceiptRLP).DepositReceiptVersion",
    8,
  );
  return { ...receipt, depositNonce, depositReceiptVersion };
}

/** What executing one transaction produced, as the receipt needs it (the executor's result has these fields). */
export interface ExecutedTransaction {
  readonly type: Receipt["type"];
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly logs: readonly Log[];
  readonly contractAddress: Receipt["contractAddress"];
  /** Deposits: the sender's nonce before execution. */
  readonly depositNonce?: bigint;
  /** The L1 data fee charged and its inputs (non-deposit transactions). */
  readonly l1Fee?: L1FeeCharge;
}

/** The receipt of an executed transaction, `cumulativeGasUsed` counted from the start of its block. */
export function buildReceipt(result: ExecutedTransaction, cumulativeGasUsed: bigint): Receipt {
  return {
    type: result.type,
    status: result.status,
    cumulativeGasUsed,
    logsBloom: bloomOf(result.logs),
    logs: result.logs,
    gasUsed: result.gasUsed,
    effectiveGasPrice: result.effectiveGasPrice,
    contractAddress: result.contractAddress,
    ...(result.depositNonce !== undefined ? { depositNonce: result.depositNonce, depositReceiptVersion: 1n } : {}),
    l1Fee: result.l1Fee?.l1Fee ?? 0n,
    l1GasUsed: result.l1Fee?.l1GasUsed ?? 0n,
    l1GasPrice: result.l1Fee?.l1BaseFee ?? 0n,
    l1BlobBaseFee: result.l1Fee?.l1BlobBaseFee ?? 0n,
    l1BaseFeeScalar: result.l1Fee?.l1BaseFeeScalar ?? 0n,
    l1BlobBaseFeeScalar: result.l1Fee?.l1BlobBaseFeeScalar ?? 0n,
  };
}
