/**
 * Binary records of sealed blocks, their receipts and mini-blocks: what the store keeps (the write-ahead log) and
 * what p2p ships (a mini-block message is its record under the sequencer's signatures). RLP
 * throughout; transactions are kept as their canonical raw bytes with the recovered sender beside them, so reading
 * the store back never re-runs signature recovery (the store is trusted: it only holds what this node admitted).
 *
 * Seal records keep the sequencer's signatures of a mini-block or block beside it (the header signature, the p2p seal
 * and its time), so that any node can serve the exact signed message again (range requests) without the key:
 *
 *   miniBlockSeal = rlp([version, signature:65, sealedAtMs, seal:65])
 *   blockSeal     = rlp([version, sealedAtMs, seal:65])
 */

import { bigintToBytes, bytesToBigint, bytesToHex, hexToBytes } from "../chain/bytes.ts";
import { decodeSignatureBytes, encodeSignatureBytes, type RecoverableSignature } from "../chain/digestSignature.ts";
import { keccak256Hex } from "../chain/hash.ts";
import { decodeHeader, encodeHeader, hashHeader } from "../chain/header.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import { decodeReceipt, encodeReceipt, keepReceiptEncoding } from "../chain/receipt.ts";
import {
  decodeRlp,
  encodeRlp,
  encodeRlpBytes,
  encodeRlpListOfEncoded,
  expectBytes,
  RlpDecodeError,
  type RlpInput,
  type RlpItem,
  rlpFirstItemEncoding,
  rlpItemPayload,
  rlpListItemEncodings,
} from "../chain/rlp.ts";
import { decodeTransactionBody } from "../chain/transaction.ts";
import type { Address, Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import { MachError } from "../errors.ts";
import { decodeStateDiff, encodedStateDiff, keepStateDiffEncoding } from "./diffCodec.ts";

/** A stored record failed to decode: the store is corrupt or from an incompatible version. */
export class StoreCorruptionError extends MachError {
  override name = "StoreCorruptionError";
}

/**
 * Record versions, per kind. Receipts (and the mini-blocks that carry them) are at version 2, which added the Ecotone
 * L1-fee inputs (`l1BlobBaseFee`, `l1BaseFeeScalar`, `l1BlobBaseFeeScalar`); version-1 records still decode (those
 * fields read as 0). Blocks are unchanged at version 1.
 */
const BLOCK_RECORD_VERSION = 1;
const RECEIPTS_RECORD_VERSION = 2;
const MINI_BLOCK_RECORD_VERSION = 2;
/** The sequencer's seals of mini-blocks and blocks (p2p). */
const SEAL_RECORD_VERSION = 1;
/** The receipt layout of version 1: without the three fields above. */
const RECEIPT_FIELDS_V1 = 7;

function list(item: RlpItem | undefined, what: string): RlpItem[] {
  if (!Array.isArray(item)) throw new StoreCorruptionError(`store: expected a list for ${what}`);
  return item;
}
function uint(item: RlpItem | undefined, what: string): bigint {
  return bytesToBigint(expectBytes(item, what));
}
function small(item: RlpItem | undefined, what: string): number {
  return Number(uint(item, what));
}
/**
 * Runs a nested decoder (transaction body, state diff) whose own errors mean something else to other callers (a
 * `TransactionRejectedError` is a user's bad tx): in a stored record they mean corruption.
 */
function nested<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof StoreCorruptionError || error instanceof RlpDecodeError) throw error;
    throw new StoreCorruptionError(`store: ${what} does not decode`, { cause: error });
  }
}
/** The record's version, one of `1..latest`. */
function checkVersion(fields: RlpItem[], what: string, latest: number): number {
  const version = small(fields[0], `${what}.version`);
  if (version < 1 || version > latest)
    throw new StoreCorruptionError(`store: ${what} record version ${version} unsupported`);
  return version;
}

function encodeStoredTransaction(tx: Transaction): RlpInput {
  return [tx.raw, hexToBytes(tx.from)];
}

/**
 * Each transaction and receipt is stored twice, in its mini-block's record and again in its block's records (both
 * immutable): the RLP of its stored form is kept with it, so sealing a block copies bytes rather than encoding every
 * item again (the block's records are written on the sequencer's loop). Callers never write to the bytes.
 */
const storedTransactionBytes = new WeakMap<Transaction, Uint8Array>();
const storedReceiptBytes = new WeakMap<Receipt, Uint8Array>();

function encodedStoredTransaction(tx: Transaction): Uint8Array {
  let bytes = storedTransactionBytes.get(tx);
  if (bytes === undefined) {
    bytes = encodeRlp(encodeStoredTransaction(tx));
    storedTransactionBytes.set(tx, bytes);
  }
  return bytes;
}
function encodedStoredReceipt(receipt: Receipt): Uint8Array {
  let bytes = storedReceiptBytes.get(receipt);
  if (bytes === undefined) {
    bytes = encodeRlp(encodeStoredReceipt(receipt));
    storedReceiptBytes.set(receipt, bytes);
  }
  return bytes;
}
/** Keeps `bytes` (when given) as the stored form of `item`, which was decoded from them. */
function keepStored<T extends object>(stored: WeakMap<T, Uint8Array>, item: T, bytes: Uint8Array | undefined): T {
  if (bytes !== undefined) stored.set(item, bytes);
  return item;
}
/** The RLP list of these items' stored forms: the same bytes `encodeRlp` gives for the nested list. */
const storedTransactionList = (txs: readonly Transaction[]) =>
  encodeRlpListOfEncoded(txs.map(encodedStoredTransaction));
const storedReceiptList = (receipts: readonly Receipt[]) => encodeRlpListOfEncoded(receipts.map(encodedStoredReceipt));
/** RLP of an unsigned integer field. */
const uintField = (value: bigint | number) => encodeRlpBytes(bigintToBytes(BigInt(value)));
function decodeStoredTransaction(item: RlpItem): Transaction {
  const [raw, from] = list(item, "transaction");
  const rawBytes = expectBytes(raw, "transaction.raw");
  const body = nested("transaction.raw", () => decodeTransactionBody(rawBytes));
  return {
    ...body,
    raw: rawBytes,
    hash: keccak256Hex(rawBytes),
    from: bytesToHex(expectBytes(from, "from")) as Address,
  };
}

function encodeStoredReceipt(receipt: Receipt): RlpInput {
  return [
    encodeReceipt(receipt),
    bigintToBytes(receipt.gasUsed),
    bigintToBytes(receipt.effectiveGasPrice),
    receipt.contractAddress ? hexToBytes(receipt.contractAddress) : new Uint8Array(0),
    bigintToBytes(receipt.l1Fee),
    bigintToBytes(receipt.l1GasUsed),
    bigintToBytes(receipt.l1GasPrice),
    bigintToBytes(receipt.l1BlobBaseFee),
    bigintToBytes(receipt.l1BaseFeeScalar),
    bigintToBytes(receipt.l1BlobBaseFeeScalar),
  ];
}
function decodeStoredReceipt(item: RlpItem, version: number): Receipt {
  const f = list(item, "receipt");
  const expected = version === 1 ? RECEIPT_FIELDS_V1 : RECEIPT_FIELDS_V1 + 3;
  if (f.length !== expected)
    throw new StoreCorruptionError(`store: receipt has ${f.length} fields, version ${version} has ${expected}`);
  const consensusBytes = expectBytes(f[0], "receipt.consensus");
  const consensus = decodeReceipt(consensusBytes);
  const contract = expectBytes(f[3], "receipt.contractAddress");
  const receipt: Receipt = {
    ...consensus,
    gasUsed: uint(f[1], "receipt.gasUsed"),
    effectiveGasPrice: uint(f[2], "receipt.effectiveGasPrice"),
    contractAddress: contract.length === 0 ? null : (bytesToHex(contract) as Address),
    l1Fee: uint(f[4], "receipt.l1Fee"),
    l1GasUsed: uint(f[5], "receipt.l1GasUsed"),
    l1GasPrice: uint(f[6], "receipt.l1GasPrice"),
    l1BlobBaseFee: version === 1 ? 0n : uint(f[7], "receipt.l1BlobBaseFee"),
    l1BaseFeeScalar: version === 1 ? 0n : uint(f[8], "receipt.l1BaseFeeScalar"),
    l1BlobBaseFeeScalar: version === 1 ? 0n : uint(f[9], "receipt.l1BlobBaseFeeScalar"),
  };
  // A replica seals blocks from received records: their receipts roots and records reuse these bytes.
  keepReceiptEncoding(receipt, consensusBytes);
  return receipt;
}

export function encodeBlockRecord(block: Block): Uint8Array {
  return encodeRlpListOfEncoded([
    uintField(BLOCK_RECORD_VERSION),
    encodeRlpBytes(encodeHeader(block.header)),
    storedTransactionList(block.transactions),
    uintField(block.miniBlockCount),
    uintField(block.miniBlockOffset),
  ]);
}
export function decodeBlockRecord(bytes: Uint8Array): Block {
  const f = list(decodeRlp(bytes), "block");
  checkVersion(f, "block", BLOCK_RECORD_VERSION);
  const header = decodeHeader(expectBytes(f[1], "block.header"));
  return {
    header,
    hash: hashHeader(header),
    transactions: list(f[2], "block.transactions").map(decodeStoredTransaction),
    miniBlockCount: small(f[3], "block.miniBlockCount"),
    miniBlockOffset: uint(f[4], "block.miniBlockOffset"),
  };
}

/** A sealed block's header, hash and the span of its mini-blocks: a block without its transactions. */
export type BlockHeaderRecord = Pick<Block, "header" | "hash" | "miniBlockCount" | "miniBlockOffset">;

/** A block record's header, hash and mini-block span, without decoding its transactions. */
export function decodeBlockRecordHeader(bytes: Uint8Array): BlockHeaderRecord {
  const items = rlpListItemEncodings(bytes);
  if (items.length !== 5) throw new StoreCorruptionError(`store: block record has ${items.length} fields`);
  const field = (i: number) => rlpItemPayload(items[i] as Uint8Array);
  const version = Number(bytesToBigint(field(0)));
  if (version < 1 || version > BLOCK_RECORD_VERSION)
    throw new StoreCorruptionError(`store: block record version ${version} unsupported`);
  const header = decodeHeader(field(1));
  return {
    header,
    hash: hashHeader(header),
    miniBlockCount: Number(bytesToBigint(field(3))),
    miniBlockOffset: bytesToBigint(field(4)),
  };
}

export function encodeReceiptsRecord(receipts: readonly Receipt[]): Uint8Array {
  return encodeRlpListOfEncoded([uintField(RECEIPTS_RECORD_VERSION), storedReceiptList(receipts)]);
}
export function decodeReceiptsRecord(bytes: Uint8Array): Receipt[] {
  const f = list(decodeRlp(bytes), "receipts");
  const version = checkVersion(f, "receipts", RECEIPTS_RECORD_VERSION);
  return list(f[1], "receipts.list").map((item) => decodeStoredReceipt(item, version));
}

export function encodeMiniBlockRecord(miniBlock: MiniBlock): Uint8Array {
  return encodeRlpListOfEncoded([
    uintField(MINI_BLOCK_RECORD_VERSION),
    uintField(miniBlock.number),
    uintField(miniBlock.blockNumber),
    uintField(miniBlock.blockTimestamp),
    uintField(miniBlock.index),
    uintField(miniBlock.timestampUs),
    uintField(miniBlock.gasUsed),
    storedTransactionList(miniBlock.transactions),
    storedReceiptList(miniBlock.receipts),
    uintField(miniBlock.firstTransactionIndex),
    uintField(miniBlock.firstLogIndex),
    encodeRlpBytes(hexToBytes(miniBlock.transactionsRoot)),
    encodeRlpBytes(hexToBytes(miniBlock.receiptsRoot)),
    encodeRlpBytes(encodedStateDiff(miniBlock.stateDiff)),
  ]);
}
/** A mini-block record's place (its number and block) without decoding its transactions, receipts and diff. */
export function miniBlockRecordPosition(bytes: Uint8Array): { readonly number: bigint; readonly blockNumber: bigint } {
  const f = list(decodeRlp(bytes), "miniBlock");
  checkVersion(f, "miniBlock", MINI_BLOCK_RECORD_VERSION);
  return { number: uint(f[1], "miniBlock.number"), blockNumber: uint(f[2], "miniBlock.blockNumber") };
}

export function decodeMiniBlockRecord(bytes: Uint8Array): MiniBlock {
  const f = list(decodeRlp(bytes), "miniBlock");
  const version = checkVersion(f, "miniBlock", MINI_BLOCK_RECORD_VERSION);
  // The stored forms of its transactions and receipts are spans of the record: a replica's block records reuse them.
  const items = rlpListItemEncodings(bytes);
  const storedTxs = rlpListItemEncodings(items[7] as Uint8Array);
  // Receipts of an older record version are stored in another layout: those are encoded again when written.
  const storedReceipts = version === MINI_BLOCK_RECORD_VERSION ? rlpListItemEncodings(items[8] as Uint8Array) : [];
  return {
    number: uint(f[1], "miniBlock.number"),
    blockNumber: uint(f[2], "miniBlock.blockNumber"),
    blockTimestamp: uint(f[3], "miniBlock.blockTimestamp"),
    index: small(f[4], "miniBlock.index"),
    timestampUs: uint(f[5], "miniBlock.timestampUs"),
    gasUsed: uint(f[6], "miniBlock.gasUsed"),
    transactions: list(f[7], "miniBlock.transactions").map((item, i) =>
      keepStored(storedTransactionBytes, decodeStoredTransaction(item), storedTxs[i]),
    ),
    receipts: list(f[8], "miniBlock.receipts").map((item, i) =>
      keepStored(storedReceiptBytes, decodeStoredReceipt(item, version), storedReceipts[i]),
    ),
    firstTransactionIndex: small(f[9], "miniBlock.firstTransactionIndex"),
    firstLogIndex: small(f[10], "miniBlock.firstLogIndex"),
    transactionsRoot: bytesToHex(expectBytes(f[11], "miniBlock.transactionsRoot")) as Hash,
    receiptsRoot: bytesToHex(expectBytes(f[12], "miniBlock.receiptsRoot")) as Hash,
    stateDiff: nested("miniBlock.stateDiff", () => decodeStateDiff(expectBytes(f[13], "miniBlock.stateDiff"))),
  };
}

/**
 * Keeps the stored forms of `miniBlock`'s transactions, receipts and state diff as spans of `bytes`, the record it was
 * decoded from, as `decodeMiniBlockRecord` does: for a mini-block decoded in another thread (a worker's result arrives
 * as a structured copy, which drops what was kept beside the objects), so that its block's roots and records do not
 * encode them again. Costs a walk over the record's list headers, no decoding.
 */
export function keepMiniBlockRecordForms(miniBlock: MiniBlock, bytes: Uint8Array): void {
  const items = rlpListItemEncodings(bytes);
  const version = Number(bytesToBigint(rlpItemPayload(items[0] as Uint8Array)));
  const storedTxs = rlpListItemEncodings(items[7] as Uint8Array);
  miniBlock.transactions.forEach((tx, i) => {
    keepStored(storedTransactionBytes, tx, storedTxs[i]);
  });
  const storedReceipts = rlpListItemEncodings(items[8] as Uint8Array);
  miniBlock.receipts.forEach((receipt, i) => {
    const stored = storedReceipts[i] as Uint8Array;
    // Every record version stores the consensus encoding first; only the current one's layout is written again.
    keepReceiptEncoding(receipt, rlpItemPayload(rlpFirstItemEncoding(stored)));
    if (version === MINI_BLOCK_RECORD_VERSION) keepStored(storedReceiptBytes, receipt, stored);
  });
  keepStateDiffEncoding(miniBlock.stateDiff, rlpItemPayload(items[13] as Uint8Array));
}

/** [block number, index in block]. */
export function encodeTxLocation(blockNumber: bigint, index: number): Uint8Array {
  return txLocationEncoder(blockNumber)(index);
}

/**
 * `encodeTxLocation` for the entries of one block, its number encoded once: a sealed block's index is written on the
 * sequencer's loop (generic RLP took ~2.8 ms for 4,600 entries).
 */
export function txLocationEncoder(blockNumber: bigint): (index: number) => Uint8Array {
  const number = encodeRlpBytes(bigintToBytes(blockNumber));
  return (index) => {
    const position = indexField(index);
    const payload = number.length + position.length;
    const out = new Uint8Array(1 + payload);
    out[0] = 0xc0 + payload; // both fields are at most 9 bytes: a short list
    out.set(number, 1);
    out.set(position, 1 + number.length);
    return out;
  };
}

/** RLP of the indexes seen so far, up to `MAX_KEPT_INDEX` (most blocks stay below). */
const indexFields: Uint8Array[] = [];
const MAX_KEPT_INDEX = 1 << 16;

function indexField(index: number): Uint8Array {
  let field = indexFields[index];
  if (field === undefined) {
    field = uintField(index);
    if (index < MAX_KEPT_INDEX) indexFields[index] = field;
  }
  return field;
}
export function decodeTxLocation(bytes: Uint8Array): { blockNumber: bigint; index: number } {
  const f = list(decodeRlp(bytes), "txLocation");
  return { blockNumber: uint(f[0], "txLocation.blockNumber"), index: small(f[1], "txLocation.index") };
}

/** The sequencer's signatures of one mini-block, as published: what serving it again needs besides its record. */
export interface MiniBlockSeal {
  /** MegaETH's header signature (`signMiniBlock`). */
  readonly signature: RecoverableSignature;
  /** Sequencer clock when the p2p message was sealed, Unix ms. */
  readonly sealedAtMs: bigint;
  /** The p2p seal over the whole message. */
  readonly seal: RecoverableSignature;
}

/** The sequencer's seal of one block message. */
export interface BlockSeal {
  readonly sealedAtMs: bigint;
  readonly seal: RecoverableSignature;
}

function signatureField(item: RlpItem | undefined, what: string): RecoverableSignature {
  const bytes = expectBytes(item, what);
  return nested(what, () => decodeSignatureBytes(bytes));
}

export function encodeMiniBlockSealRecord(seal: MiniBlockSeal): Uint8Array {
  return encodeRlp([
    bigintToBytes(BigInt(SEAL_RECORD_VERSION)),
    encodeSignatureBytes(seal.signature),
    bigintToBytes(seal.sealedAtMs),
    encodeSignatureBytes(seal.seal),
  ]);
}
export function decodeMiniBlockSealRecord(bytes: Uint8Array): MiniBlockSeal {
  const f = list(decodeRlp(bytes), "miniBlockSeal");
  checkVersion(f, "miniBlockSeal", SEAL_RECORD_VERSION);
  return {
    signature: signatureField(f[1], "miniBlockSeal.signature"),
    sealedAtMs: uint(f[2], "miniBlockSeal.sealedAtMs"),
    seal: signatureField(f[3], "miniBlockSeal.seal"),
  };
}

export function encodeBlockSealRecord(seal: BlockSeal): Uint8Array {
  return encodeRlp([
    bigintToBytes(BigInt(SEAL_RECORD_VERSION)),
    bigintToBytes(seal.sealedAtMs),
    encodeSignatureBytes(seal.seal),
  ]);
}
export function decodeBlockSealRecord(bytes: Uint8Array): BlockSeal {
  const f = list(decodeRlp(bytes), "blockSeal");
  checkVersion(f, "blockSeal", SEAL_RECORD_VERSION);
  return { sealedAtMs: uint(f[1], "blockSeal.sealedAtMs"), seal: signatureField(f[2], "blockSeal.seal") };
}
