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

import { BLOOM_BYTES, orBloomInto } from "../chain/bloom.ts";
import { bigintToBytes, bytesToBigint, bytesToHex, EMPTY_BYTES, hexToBytes } from "../chain/bytes.ts";
import { decodeSignatureBytes, encodeSignatureBytes, type RecoverableSignature } from "../chain/digestSignature.ts";
import { keccak256Into } from "../chain/hash.ts";
import { decodeHeader, encodeHeader, hashHeader } from "../chain/header.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { MiniBlockHeaderFields } from "../chain/miniBlockSignature.ts";
import {
  decodeRlp,
  encodeRlp,
  encodeRlpBytes,
  encodeRlpListOfEncoded,
  expectBytes,
  type RlpItem,
  rlpFirstItemEncoding,
  rlpItemPayload,
  rlpListItemCount,
  rlpListItemEncodings,
} from "../chain/rlp.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import { computeEmptyPathLeafReference } from "../chain/trieRoot.ts";
import type { Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import { decodeStateDiff, encodedStateDiff, keepStateDiffEncoding } from "./diffCodec.ts";
import { StoreCorruptionError } from "./errors.ts";
import {
  decodeStoredReceipt,
  decodeStoredTransaction,
  encodedStoredReceipt,
  encodedStoredTransaction,
  keepStoredReceipt,
  keepStoredTransaction,
  listOf as list,
  nested,
  STORED_RECEIPT_VERSION,
  StoredReceipt,
  StoredTransaction,
  storedUint as uint,
} from "./storedItems.ts";

export { StoreCorruptionError };

/**
 * Record versions, per kind. Receipts (and the mini-blocks that carry them) are at version 2, which added the Ecotone
 * L1-fee inputs (`l1BlobBaseFee`, `l1BaseFeeScalar`, `l1BlobBaseFeeScalar`); version-1 records still decode (those
 * fields read as 0). Blocks are unchanged at version 1.
 */
const BLOCK_RECORD_VERSION = 1;
const RECEIPTS_RECORD_VERSION = STORED_RECEIPT_VERSION;
const MINI_BLOCK_RECORD_VERSION = STORED_RECEIPT_VERSION;
/** The sequencer's seals of mini-blocks and blocks (p2p). */
const SEAL_RECORD_VERSION = 1;

function small(item: RlpItem | undefined, what: string): number {
  return Number(uint(item, what));
}
/** The record's version, one of `1..latest`. */
function checkVersion(fields: RlpItem[], what: string, latest: number): number {
  const version = small(fields[0], `${what}.version`);
  if (version < 1 || version > latest)
    throw new StoreCorruptionError(`store: ${what} record version ${version} unsupported`);
  return version;
}

/** The RLP list of these items' stored forms: the same bytes `encodeRlp` gives for the nested list. */
const storedTransactionList = (txs: readonly Transaction[]) =>
  encodeRlpListOfEncoded(txs.map(encodedStoredTransaction));
const storedReceiptList = (receipts: readonly Receipt[]) => encodeRlpListOfEncoded(receipts.map(encodedStoredReceipt));
/** RLP of an unsigned integer field. */
const uintField = (value: bigint | number) => encodeRlpBytes(bigintToBytes(BigInt(value)));

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
    transactions: list(f[2], "block.transactions").map((item) => decodeStoredTransaction(item)),
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
      keepStoredTransaction(decodeStoredTransaction(item), storedTxs[i]),
    ),
    receipts: list(f[8], "miniBlock.receipts").map((item, i) =>
      keepStoredReceipt(decodeStoredReceipt(item, version), storedReceipts[i]),
    ),
    firstTransactionIndex: small(f[9], "miniBlock.firstTransactionIndex"),
    firstLogIndex: small(f[10], "miniBlock.firstLogIndex"),
    transactionsRoot: bytesToHex(expectBytes(f[11], "miniBlock.transactionsRoot")) as Hash,
    receiptsRoot: bytesToHex(expectBytes(f[12], "miniBlock.receiptsRoot")) as Hash,
    stateDiff: nested("miniBlock.stateDiff", () => decodeStateDiff(expectBytes(f[13], "miniBlock.stateDiff"))),
  };
}

/**
 * What the range verifier's worker reads of a mini-block record (`readMiniBlockRecordParts`), for
 * `decodeMiniBlockRecordLazily` on the node's thread.
 */
export interface MiniBlockRecordParts {
  readonly stateDiff: StateDiff;
  /** keccak256 of each raw transaction, 32 bytes each. */
  readonly transactionHashes: Uint8Array;
  /** Each receipt's number of logs. */
  readonly logCounts: readonly number[];
  /** The receipts' blooms OR'ed. */
  readonly logsBloom: Uint8Array;
  /** The transactions' then the receipts' empty-path leaf references (views of one buffer). */
  readonly leafReferences: readonly Uint8Array[];
}

/** A mini-block record's 14 items (encodings, views of `bytes`) and its version, checked. */
function recordItems(bytes: Uint8Array): { readonly items: Uint8Array[]; readonly version: number } {
  const items = rlpListItemEncodings(bytes);
  if (items.length !== 14) throw new StoreCorruptionError(`store: mini-block record has ${items.length} fields`);
  const version = Number(bytesToBigint(rlpItemPayload(items[0] as Uint8Array)));
  if (version < 1 || version > MINI_BLOCK_RECORD_VERSION)
    throw new StoreCorruptionError(`store: miniBlock record version ${version} unsupported`);
  return { items, version };
}

/** The header fields of a record's items (`recordItems`): the eight MegaETH's signature covers. */
function headerOf(items: readonly Uint8Array[]): MiniBlockHeaderFields {
  const field = (i: number) => rlpItemPayload(items[i] as Uint8Array);
  return {
    number: bytesToBigint(field(1)),
    blockNumber: bytesToBigint(field(2)),
    blockTimestamp: bytesToBigint(field(3)),
    index: Number(bytesToBigint(field(4))),
    timestampUs: bytesToBigint(field(5)),
    gasUsed: bytesToBigint(field(6)),
    transactionsRoot: bytesToHex(field(11)) as Hash,
    receiptsRoot: bytesToHex(field(12)) as Hash,
  };
}

/**
 * The header fields of a mini-block record (the eight MegaETH's signature covers), read without decoding its
 * transactions, receipts and diff: what a range verifier's worker checks the header signature against.
 */
export function readMiniBlockRecordHeader(bytes: Uint8Array): MiniBlockHeaderFields {
  return headerOf(recordItems(bytes).items);
}

/**
 * `MiniBlockRecordParts` read from a mini-block record's bytes without decoding its transactions' bodies and its
 * receipts' logs (a replica's range verifier): the record's layout is checked down to each stored item's fields, each
 * transaction is hashed, each receipt's consensus encoding walked for its bloom and log count, the state diff decoded,
 * and the leaf references of the block's roots computed. What was not decoded decodes when read
 * (`StoredTransaction`, `StoredReceipt`); the sequencer's seal vouches for it, as for the diff. Throws
 * `StoreCorruptionError` or `RlpDecodeError` for a record that does not have the layout.
 */
export function readMiniBlockRecordParts(bytes: Uint8Array): MiniBlockRecordParts {
  const { items, version } = recordItems(bytes);
  const storedTxs = rlpListItemEncodings(items[7] as Uint8Array);
  const storedReceipts = rlpListItemEncodings(items[8] as Uint8Array);
  const n = storedTxs.length;
  if (storedReceipts.length !== n) {
    throw new StoreCorruptionError(`store: mini-block record has ${n} transactions, ${storedReceipts.length} receipts`);
  }
  const transactionHashes = new Uint8Array(32 * n);
  const leafReferences: Uint8Array[] = [];
  storedTxs.forEach((stored, i) => {
    const fields = rlpListItemEncodings(stored);
    const [rawField, fromField] = fields;
    const raw = rawField === undefined ? EMPTY_BYTES : rlpItemPayload(rawField);
    if (fields.length !== 2 || raw.length === 0 || rlpItemPayload(fromField as Uint8Array).length !== 20) {
      throw new StoreCorruptionError(`store: transaction ${i} of the mini-block record is not [raw, from]`);
    }
    keccak256Into(raw, transactionHashes, 32 * i);
    leafReferences.push(computeEmptyPathLeafReference(raw));
  });
  const logsBloom = new Uint8Array(BLOOM_BYTES);
  const logCounts = storedReceipts.map((stored, i) => {
    // Counted and the first taken without a view per field (a view costs more than walking past the item).
    const fieldCount = rlpListItemCount(stored);
    if (fieldCount !== (version === 1 ? 7 : 10)) {
      throw new StoreCorruptionError(`store: receipt ${i} of the mini-block record has ${fieldCount} fields`);
    }
    const consensus = rlpItemPayload(rlpFirstItemEncoding(stored));
    // [status, cumulativeGasUsed, logsBloom, logs, …], after the type byte of a typed receipt.
    const receipt = rlpListItemEncodings((consensus[0] as number) < 0x80 ? consensus.subarray(1) : consensus);
    if (receipt.length < 4 || receipt.length > 6) {
      throw new StoreCorruptionError(`store: receipt ${i} of the mini-block record is not a consensus receipt`);
    }
    const bloom = rlpItemPayload(receipt[2] as Uint8Array);
    if (bloom.length !== BLOOM_BYTES) {
      throw new StoreCorruptionError(`store: receipt ${i} of the mini-block record is not a consensus receipt`);
    }
    orBloomInto(logsBloom, bloom);
    leafReferences.push(computeEmptyPathLeafReference(consensus));
    return rlpListItemCount(receipt[3] as Uint8Array);
  });
  return {
    stateDiff: nested("miniBlock.stateDiff", () => decodeStateDiff(rlpItemPayload(items[13] as Uint8Array))),
    transactionHashes,
    logCounts,
    logsBloom,
    leafReferences: inOneBuffer(leafReferences),
  };
}

/** `parts` copied into one buffer, as views of it (a structured copy then carries one buffer, not one per part). */
function inOneBuffer(parts: readonly Uint8Array[]): Uint8Array[] {
  const buffer = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  return parts.map((part) => {
    buffer.set(part, offset);
    offset += part.length;
    return buffer.subarray(offset - part.length, offset);
  });
}

/**
 * A mini-block record whose `parts` were read already (`readMiniBlockRecordParts`, in another thread), decoded here
 * but for its transactions and receipts, whose fields are decoded when first read (`StoredTransaction`,
 * `StoredReceipt`): what the block needs of them is the mini-block's `digest`. Their stored forms and the diff's
 * encoding are spans of `bytes`.
 */
export function decodeMiniBlockRecordLazily(bytes: Uint8Array, parts: MiniBlockRecordParts): MiniBlock {
  const { items, version } = recordItems(bytes);
  const field = (i: number) => rlpItemPayload(items[i] as Uint8Array);
  const storedTxs = rlpListItemEncodings(items[7] as Uint8Array);
  const storedReceipts = rlpListItemEncodings(items[8] as Uint8Array);
  const n = storedTxs.length;
  const references = parts.leafReferences;
  if (
    storedReceipts.length !== n ||
    parts.logCounts.length !== n ||
    parts.transactionHashes.length !== 32 * n ||
    references.length !== 2 * n
  ) {
    throw new StoreCorruptionError(`store: mini-block record of ${n} transactions does not match its parts`);
  }
  const transactions = storedTxs.map((stored, i) => new StoredTransaction(stored, parts.transactionHashes, i));
  const receipts = storedReceipts.map((stored) => new StoredReceipt(stored, version));
  keepStateDiffEncoding(parts.stateDiff, field(13));
  const header = headerOf(items);
  // In `decodeMiniBlockRecord`'s order: both kinds of mini-block share one object shape.
  return {
    number: header.number,
    blockNumber: header.blockNumber,
    blockTimestamp: header.blockTimestamp,
    index: header.index,
    timestampUs: header.timestampUs,
    gasUsed: header.gasUsed,
    transactions: transactions.map((tx) => tx.asTransaction()),
    receipts: receipts.map((receipt) => receipt.asReceipt()),
    firstTransactionIndex: Number(bytesToBigint(field(9))),
    firstLogIndex: Number(bytesToBigint(field(10))),
    transactionsRoot: header.transactionsRoot,
    receiptsRoot: header.receiptsRoot,
    stateDiff: parts.stateDiff,
    digest: {
      transactionLeaves: transactions.map((tx) => tx.raw),
      receiptLeaves: receipts.map((receipt) => receipt.consensusEncoding),
      transactionLeafReferences: references.slice(0, n),
      receiptLeafReferences: references.slice(n),
      logCounts: parts.logCounts,
      logsBloom: parts.logsBloom,
    },
  };
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
