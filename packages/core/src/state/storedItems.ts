/**
 * The stored forms of transactions and receipts (inside block, receipts and mini-block records, `records.ts`):
 *
 *   storedTransaction = rlp([raw, from])
 *   storedReceipt     = rlp([consensusEncoding, gasUsed, effectiveGasPrice, contractAddress, l1Fee, l1GasUsed,
 *                           l1GasPrice, l1BlobBaseFee, l1BaseFeeScalar, l1BlobBaseFeeScalar])   (version 2; version 1
 *                           ends at l1GasPrice)
 *
 * Each item is stored twice (its mini-block's record, then its block's records), so the bytes of its stored form are
 * kept with it and sealing a block copies them. `StoredTransaction` and `StoredReceipt` are items read from a record
 * that are decoded only when a field is first read: a catching-up replica receives, logs, roots and stores them, and
 * most are never read field by field (a decoded transfer's transaction and receipt took ~2.5 KB of heap until its
 * block sealed, and the collector copied them twice). Both behave as the plain objects (`Transaction`, `Receipt`)
 * except that their fields are getters on the prototype: nothing may spread or structured-copy them.
 */
import { bigintToBytes, bytesToBigint, bytesToHex, hexToBytes } from "../chain/bytes.ts";
import { keccak256Hex } from "../chain/hash.ts";
import { decodeReceipt, encodeReceipt, keepReceiptEncoding } from "../chain/receipt.ts";
import {
  decodeRlp,
  encodeRlp,
  expectBytes,
  RlpDecodeError,
  type RlpInput,
  type RlpItem,
  rlpFirstItemEncoding,
  rlpItemPayload,
} from "../chain/rlp.ts";
import { decodeTransactionBody } from "../chain/transaction.ts";
import type { Address, Hash, Receipt, Transaction } from "../chain/types.ts";
import { StoreCorruptionError } from "./errors.ts";

/** Receipt record version 2 (current) added the Ecotone L1-fee inputs; version 1 has 7 fields. */
export const STORED_RECEIPT_VERSION = 2;
const RECEIPT_FIELDS_V1 = 7;

export function listOf(item: RlpItem | undefined, what: string): RlpItem[] {
  if (!Array.isArray(item)) throw new StoreCorruptionError(`store: expected a list for ${what}`);
  return item;
}
export function storedUint(item: RlpItem | undefined, what: string): bigint {
  return bytesToBigint(expectBytes(item, what));
}
/**
 * Runs a nested decoder (transaction body, state diff) whose own errors mean something else to other callers (a
 * `TransactionRejectedError` is a user's bad tx): in a stored record they mean corruption.
 */
export function nested<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof StoreCorruptionError || error instanceof RlpDecodeError) throw error;
    throw new StoreCorruptionError(`store: ${what} does not decode`, { cause: error });
  }
}

/** The stored form of `item`, kept when it was encoded or read from a record. Callers never write to the bytes. */
const storedTransactionBytes = new WeakMap<Transaction, Uint8Array>();
const storedReceiptBytes = new WeakMap<Receipt, Uint8Array>();

export function encodedStoredTransaction(tx: Transaction): Uint8Array {
  if (tx instanceof StoredTransaction) return tx.stored;
  let bytes = storedTransactionBytes.get(tx);
  if (bytes === undefined) {
    bytes = encodeRlp([tx.raw, hexToBytes(tx.from)]);
    storedTransactionBytes.set(tx, bytes);
  }
  return bytes;
}
export function encodedStoredReceipt(receipt: Receipt): Uint8Array {
  if (receipt instanceof StoredReceipt && receipt.version === STORED_RECEIPT_VERSION) return receipt.stored;
  let bytes = storedReceiptBytes.get(receipt);
  if (bytes === undefined) {
    bytes = encodeRlp(encodeStoredReceipt(receipt));
    storedReceiptBytes.set(receipt, bytes);
  }
  return bytes;
}
/** Keeps `bytes` (when given) as the stored form of `tx`, which was decoded from them. */
export function keepStoredTransaction(tx: Transaction, bytes: Uint8Array | undefined): Transaction {
  if (bytes !== undefined) storedTransactionBytes.set(tx, bytes);
  return tx;
}
/** Keeps `bytes` (when given) as the stored form of `receipt` (of the current version), decoded from them. */
export function keepStoredReceipt(receipt: Receipt, bytes: Uint8Array | undefined): Receipt {
  if (bytes !== undefined) storedReceiptBytes.set(receipt, bytes);
  return receipt;
}

export function decodeStoredTransaction(item: RlpItem, hash?: Hash): Transaction {
  const [raw, from] = listOf(item, "transaction");
  const rawBytes = expectBytes(raw, "transaction.raw");
  const body = nested("transaction.raw", () => decodeTransactionBody(rawBytes));
  return {
    ...body,
    raw: rawBytes,
    hash: hash ?? keccak256Hex(rawBytes),
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
export function decodeStoredReceipt(item: RlpItem, version: number): Receipt {
  const f = listOf(item, "receipt");
  const expected = version === 1 ? RECEIPT_FIELDS_V1 : RECEIPT_FIELDS_V1 + 3;
  if (f.length !== expected)
    throw new StoreCorruptionError(`store: receipt has ${f.length} fields, version ${version} has ${expected}`);
  const consensusBytes = expectBytes(f[0], "receipt.consensus");
  const consensus = decodeReceipt(consensusBytes);
  const contract = expectBytes(f[3], "receipt.contractAddress");
  const receipt: Receipt = {
    ...consensus,
    gasUsed: storedUint(f[1], "receipt.gasUsed"),
    effectiveGasPrice: storedUint(f[2], "receipt.effectiveGasPrice"),
    contractAddress: contract.length === 0 ? null : (bytesToHex(contract) as Address),
    l1Fee: storedUint(f[4], "receipt.l1Fee"),
    l1GasUsed: storedUint(f[5], "receipt.l1GasUsed"),
    l1GasPrice: storedUint(f[6], "receipt.l1GasPrice"),
    l1BlobBaseFee: version === 1 ? 0n : storedUint(f[7], "receipt.l1BlobBaseFee"),
    l1BaseFeeScalar: version === 1 ? 0n : storedUint(f[8], "receipt.l1BaseFeeScalar"),
    l1BlobBaseFeeScalar: version === 1 ? 0n : storedUint(f[9], "receipt.l1BlobBaseFeeScalar"),
  };
  // A replica seals blocks from received records: their receipts roots and records reuse these bytes.
  keepReceiptEncoding(receipt, consensusBytes);
  return receipt;
}

/** Any field of a transaction of any type (`undefined` where its type has none). */
type AnyTransactionFields = { readonly [K in keyof UnionKeys<Transaction>]?: UnionKeys<Transaction>[K] };
type UnionKeys<T> = { [K in T extends unknown ? keyof T : never]: T extends Record<K, infer V> ? V : never };

/**
 * A transaction read from a record (its stored form `stored`), decoded on the first read of a field other than
 * `raw` and `hash` (`hash` is taken from `hashes`, 32 bytes per transaction at `index`, when given). Use it as a
 * `Transaction` (`asTransaction`).
 */
export class StoredTransaction {
  readonly stored: Uint8Array;
  #hashes: Uint8Array | undefined;
  readonly #index: number;
  #hash: Hash | undefined;
  #decoded: Transaction | undefined;

  constructor(stored: Uint8Array, hashes?: Uint8Array, index = 0) {
    this.stored = stored;
    this.#hashes = hashes;
    this.#index = index;
  }

  get #tx(): AnyTransactionFields {
    this.#decoded ??= decodeStoredTransaction(decodeRlp(this.stored), this.#hash ?? this.#givenHash());
    return this.#decoded as AnyTransactionFields;
  }
  #givenHash(): Hash | undefined {
    const hashes = this.#hashes;
    if (hashes === undefined) return undefined;
    this.#hashes = undefined;
    this.#hash = bytesToHex(hashes, this.#index * 32, this.#index * 32 + 32);
    return this.#hash;
  }

  get hash(): Hash {
    if (this.#hash !== undefined) return this.#hash;
    if (this.#decoded !== undefined) return this.#decoded.hash;
    return this.#givenHash() ?? (this.#tx.hash as Hash);
  }
  /** The canonical encoding, without decoding the transaction. */
  get raw(): Uint8Array {
    return this.#decoded?.raw ?? rlpItemPayload(rlpFirstItemEncoding(this.stored));
  }
  get from(): Address {
    return this.#tx.from as Address;
  }
  get type() {
    return this.#tx.type;
  }
  get chainId() {
    return this.#tx.chainId;
  }
  get nonce() {
    return this.#tx.nonce;
  }
  get gasLimit() {
    return this.#tx.gasLimit;
  }
  get gasPrice() {
    return this.#tx.gasPrice;
  }
  get maxFeePerGas() {
    return this.#tx.maxFeePerGas;
  }
  get maxPriorityFeePerGas() {
    return this.#tx.maxPriorityFeePerGas;
  }
  get to() {
    return this.#tx.to;
  }
  get value() {
    return this.#tx.value;
  }
  get data() {
    return this.#tx.data;
  }
  get accessList() {
    return this.#tx.accessList;
  }
  get authorizationList() {
    return this.#tx.authorizationList;
  }
  get v() {
    return this.#tx.v;
  }
  get r() {
    return this.#tx.r;
  }
  get s() {
    return this.#tx.s;
  }
  get yParity() {
    return this.#tx.yParity;
  }
  get sourceHash() {
    return this.#tx.sourceHash;
  }
  get mint() {
    return this.#tx.mint;
  }
  get isSystemTransaction() {
    return this.#tx.isSystemTransaction;
  }

  /** This transaction as the `Transaction` union its fields follow. */
  asTransaction(): Transaction {
    return this as unknown as Transaction;
  }

  /** The transaction decoded, as a plain object (what may cross to another thread). */
  plain(): Transaction {
    return this.#tx as Transaction;
  }
}

/**
 * `tx` as a plain object, for what crosses to another thread: a structured copy of a `StoredTransaction` keeps
 * neither its getters nor what they read.
 */
export function plainTransaction(tx: Transaction): Transaction {
  return tx instanceof StoredTransaction ? tx.plain() : tx;
}

/**
 * A receipt read from a record (its stored form `stored`, of record `version`), decoded on the first read of a
 * field other than its consensus encoding. Use it as a `Receipt` (`asReceipt`).
 */
export class StoredReceipt {
  readonly stored: Uint8Array;
  readonly version: number;
  #decoded: Receipt | undefined;

  constructor(stored: Uint8Array, version: number) {
    this.stored = stored;
    this.version = version;
  }

  get #receipt(): Receipt {
    this.#decoded ??= decodeStoredReceipt(decodeRlp(this.stored), this.version);
    return this.#decoded;
  }
  /** What `receiptsRoot` hashes (`encodeReceipt`), without decoding the receipt. */
  get consensusEncoding(): Uint8Array {
    return rlpItemPayload(rlpFirstItemEncoding(this.stored));
  }

  get type() {
    return this.#receipt.type;
  }
  get status() {
    return this.#receipt.status;
  }
  get cumulativeGasUsed() {
    return this.#receipt.cumulativeGasUsed;
  }
  get logsBloom() {
    return this.#receipt.logsBloom;
  }
  get logs() {
    return this.#receipt.logs;
  }
  get gasUsed() {
    return this.#receipt.gasUsed;
  }
  get effectiveGasPrice() {
    return this.#receipt.effectiveGasPrice;
  }
  get contractAddress() {
    return this.#receipt.contractAddress;
  }
  get depositNonce() {
    return this.#receipt.depositNonce;
  }
  get depositReceiptVersion() {
    return this.#receipt.depositReceiptVersion;
  }
  get l1Fee() {
    return this.#receipt.l1Fee;
  }
  get l1GasUsed() {
    return this.#receipt.l1GasUsed;
  }
  get l1GasPrice() {
    return this.#receipt.l1GasPrice;
  }
  get l1BlobBaseFee() {
    return this.#receipt.l1BlobBaseFee;
  }
  get l1BaseFeeScalar() {
    return this.#receipt.l1BaseFeeScalar;
  }
  get l1BlobBaseFeeScalar() {
    return this.#receipt.l1BlobBaseFeeScalar;
  }

  asReceipt(): Receipt {
    return this as unknown as Receipt;
  }
}
