/**
 * Transaction codec: types 0 (legacy, EIP-155 and pre-155), 1 (EIP-2930), 2 (EIP-1559), 4 (EIP-7702) and 0x7E
 * (OP deposit). `decodeTransaction` is the admission entry point: strict decoding (geth's rules and messages),
 * `hash` and `from` computed exactly once, every failure a `TransactionRejectedError` ("decode", "unsupportedType"
 * or "invalidSignature").
 */
import { TransactionRejectedError } from "../errors.ts";
import { authorizationFields, decodeAuthorizationList } from "./authorization.ts";
import { bigintToBytes, EMPTY_BYTES, hexToBytes } from "./bytes.ts";
import { keccak256, keccak256Hex } from "./hash.ts";
import {
  decodeAddress,
  decodeHash,
  decodeOptionalAddress,
  decodeRlp,
  decodeUint,
  encodeRlp,
  expectBytes,
  expectList,
  RlpDecodeError,
  type RlpInput,
  type RlpItem,
} from "./rlp.ts";
import { isValidSignatureValues, recoverAddress, recoverAddressFromBytes } from "./signature.ts";
import type {
  AccessList,
  AccessListItem,
  AccessListTransaction,
  Address,
  DepositTransaction,
  Eip1559Transaction,
  LegacyTransaction,
  SetCodeTransaction,
  Transaction,
  TransactionBody,
  UnsignedFieldsTransaction,
} from "./types.ts";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A signed transaction's fields without its signature: what `signingHash` commits to. */
export type SignableTransaction = DistributiveOmit<UnsignedFieldsTransaction, "r" | "s" | "yParity" | "v">;

// ---------------------------------------------------------------- decoding

/**
 * Decodes and validates a raw transaction (RLP for legacy, type ‖ RLP for typed) and recovers its sender.
 * The returned `raw`, `data` and other byte fields are views into `raw`'s buffer (no copies): pass a copy if that
 * buffer is reused afterwards (e.g. a pooled network or LMDB read buffer).
 */
export function decodeTransaction(raw: Uint8Array): Transaction {
  const fields: RlpItem[] = [];
  const body = decodeBody(raw, fields);
  if (body.type === 0x7e) return { ...body, hash: keccak256Hex(raw), from: body.from, raw };
  const n = fields.length;
  let from: Address;
  try {
    from = recoverAddressFromBytes(
      payloadHash(body, fields),
      fields[n - 2] as Uint8Array,
      fields[n - 1] as Uint8Array,
      body.yParity,
    );
  } catch (error) {
    throw invalidSignature(SIG_ERROR, error);
  }
  return { ...body, hash: keccak256Hex(raw), from, raw };
}

/** Decodes a raw transaction without recovering its sender (signature values are still range-checked). */
export function decodeTransactionBody(raw: Uint8Array): TransactionBody {
  return decodeBody(raw, []);
}

/** Decodes `raw`; pushes the top-level RLP fields into `fields` (the signing hash re-uses them). */
function decodeBody(raw: Uint8Array, fields: RlpItem[]): TransactionBody {
  if (raw.length === 0) throw decodeError("typed transaction too short");
  const first = raw[0] as number;
  try {
    if (first >= 0xc0) return decodeLegacy(collect(decodeRlp(raw), fields));
    if (first > 0x7f) throw new RlpDecodeError("rlp: expected input list for types.LegacyTx");
    if (raw.length === 1) throw new RlpDecodeError("typed transaction too short");
    const payload = raw.subarray(1);
    switch (first) {
      case 1:
        return decodeAccessListTx(collect(decodeRlp(payload), fields));
      case 2:
        return decodeEip1559Tx(collect(decodeRlp(payload), fields));
      case 4:
        return decodeSetCodeTx(collect(decodeRlp(payload), fields));
      case 0x7e:
        return decodeDepositTx(decodeRlp(payload));
      default:
        throw new TransactionRejectedError("unsupportedType", "transaction type not supported", {
          details: `type ${first}`,
        });
    }
  } catch (error) {
    if (error instanceof RlpDecodeError) throw decodeError(error.shortMessage, error);
    throw error;
  }
}

function collect(item: RlpItem, fields: RlpItem[]): RlpItem {
  if (Array.isArray(item)) for (const field of item) fields.push(field);
  return item;
}

function decodeError(message: string, cause?: unknown): TransactionRejectedError {
  return new TransactionRejectedError("decode", message, cause === undefined ? {} : { cause });
}

/** geth's pool wraps signer errors as `invalid sender: <cause>`; clients match on the prefix. */
function invalidSignature(details: string, cause?: unknown): TransactionRejectedError {
  return new TransactionRejectedError(
    "invalidSignature",
    `invalid sender: ${details}`,
    cause === undefined ? { details } : { details, cause },
  );
}

const SIG_ERROR = "invalid transaction v, r, s values";
/** geth decodes legacy/2930/1559 V, R, S into *big.Int of any size; out-of-range values fail as "invalid sender". */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function checkSignature(r: bigint, s: bigint, yParity: number): void {
  if (!isValidSignatureValues(r, s, yParity)) throw invalidSignature(SIG_ERROR);
}

// Field descriptions follow geth's "for <go type>, decoding into (<struct>).<Field>" wording.
const u64 = (t: string, f: string) => `uint64, decoding into (${t}).${f}`;
const u256 = (t: string, f: string) => `*uint256.Int, decoding into (${t}).${f}`;
const big = (t: string, f: string) => `*big.Int, decoding into (${t}).${f}`;

function decodeLegacy(item: RlpItem): LegacyTransaction {
  const t = "types.LegacyTx";
  const f = expectList(item, 9, t);
  const v = decodeUint(f[6], big(t, "V"), UNBOUNDED);
  const r = decodeUint(f[7], big(t, "R"), UNBOUNDED);
  const s = decodeUint(f[8], big(t, "S"), UNBOUNDED);
  let chainId: bigint | undefined;
  let yParity: number;
  if (v === 27n || v === 28n) {
    chainId = undefined;
    yParity = Number(v - 27n);
  } else if (v >= 35n) {
    chainId = (v - 35n) >> 1n;
    yParity = Number((v - 35n) & 1n);
  } else {
    throw invalidSignature(SIG_ERROR);
  }
  checkSignature(r, s, yParity);
  return {
    type: 0,
    chainId,
    nonce: decodeUint(f[0], u64(t, "Nonce"), 8),
    gasPrice: decodeUint(f[1], big(t, "GasPrice")),
    gasLimit: decodeUint(f[2], u64(t, "Gas"), 8),
    to: decodeOptionalAddress(f[3], `*common.Address, decoding into (${t}).To`),
    value: decodeUint(f[4], big(t, "Value")),
    data: expectBytes(f[5], `[]uint8, decoding into (${t}).Data`),
    v,
    r,
    s,
    yParity,
  };
}

function decodeYParity(item: RlpItem | undefined, t: string): number {
  const v = decodeUint(item, u256(t, "V"));
  if (v > 1n) throw invalidSignature(SIG_ERROR);
  return Number(v);
}

function decodeAccessListTx(item: RlpItem): AccessListTransaction {
  const t = "types.AccessListTx";
  const f = expectList(item, 11, t);
  const yParity = decodeYParity(f[8], t);
  const r = decodeUint(f[9], big(t, "R"), UNBOUNDED);
  const s = decodeUint(f[10], big(t, "S"), UNBOUNDED);
  checkSignature(r, s, yParity);
  return {
    type: 1,
    chainId: decodeUint(f[0], big(t, "ChainID")),
    nonce: decodeUint(f[1], u64(t, "Nonce"), 8),
    gasPrice: decodeUint(f[2], big(t, "GasPrice")),
    gasLimit: decodeUint(f[3], u64(t, "Gas"), 8),
    to: decodeOptionalAddress(f[4], `*common.Address, decoding into (${t}).To`),
    value: decodeUint(f[5], big(t, "Value")),
    data: expectBytes(f[6], `[]uint8, decoding into (${t}).Data`),
    accessList: decodeAccessList(f[7], t),
    yParity,
    r,
    s,
  };
}

function decodeEip1559Tx(item: RlpItem): Eip1559Transaction {
  const t = "types.DynamicFeeTx";
  const f = expectList(item, 12, t);
  const yParity = decodeYParity(f[9], t);
  const r = decodeUint(f[10], big(t, "R"), UNBOUNDED);
  const s = decodeUint(f[11], big(t, "S"), UNBOUNDED);
  checkSignature(r, s, yParity);
  return {
    type: 2,
    chainId: decodeUint(f[0], big(t, "ChainID")),
    nonce: decodeUint(f[1], u64(t, "Nonce"), 8),
    maxPriorityFeePerGas: decodeUint(f[2], big(t, "GasTipCap")),
    maxFeePerGas: decodeUint(f[3], big(t, "GasFeeCap")),
    gasLimit: decodeUint(f[4], u64(t, "Gas"), 8),
    to: decodeOptionalAddress(f[5], `*common.Address, decoding into (${t}).To`),
    value: decodeUint(f[6], big(t, "Value")),
    data: expectBytes(f[7], `[]uint8, decoding into (${t}).Data`),
    accessList: decodeAccessList(f[8], t),
    yParity,
    r,
    s,
  };
}

function decodeSetCodeTx(item: RlpItem): SetCodeTransaction {
  const t = "types.SetCodeTx";
  const f = expectList(item, 13, t);
  const yParity = decodeYParity(f[10], t);
  const r = decodeUint(f[11], u256(t, "R"));
  const s = decodeUint(f[12], u256(t, "S"));
  const to = decodeAddress(f[5], `common.Address, decoding into (${t}).To`);
  const authorizationList = decodeAuthorizationList(
    f[9],
    `[]types.SetCodeAuthorization, decoding into (${t}).AuthList`,
  );
  if (authorizationList.length === 0) throw new RlpDecodeError("EIP-7702 transaction with empty auth list");
  checkSignature(r, s, yParity);
  return {
    type: 4,
    chainId: decodeUint(f[0], u256(t, "ChainID")),
    nonce: decodeUint(f[1], u64(t, "Nonce"), 8),
    maxPriorityFeePerGas: decodeUint(f[2], u256(t, "GasTipCap")),
    maxFeePerGas: decodeUint(f[3], u256(t, "GasFeeCap")),
    gasLimit: decodeUint(f[4], u64(t, "Gas"), 8),
    to,
    value: decodeUint(f[6], u256(t, "Value")),
    data: expectBytes(f[7], `[]uint8, decoding into (${t}).Data`),
    accessList: decodeAccessList(f[8], t),
    authorizationList,
    yParity,
    r,
    s,
  };
}

function decodeDepositTx(item: RlpItem): DepositTransaction {
  const t = "types.DepositTx";
  const f = expectList(item, 8, t);
  const isSystem = expectBytes(f[6], `bool, decoding into (${t}).IsSystemTransaction`);
  if (isSystem.length > 1 || (isSystem.length === 1 && isSystem[0] !== 1))
    throw new RlpDecodeError(`rlp: invalid boolean value: ${isSystem[0]}`);
  return {
    type: 0x7e,
    sourceHash: decodeHash(f[0], `common.Hash, decoding into (${t}).SourceHash`),
    from: decodeAddress(f[1], `common.Address, decoding into (${t}).From`),
    to: decodeOptionalAddress(f[2], `*common.Address, decoding into (${t}).To`),
    mint: decodeUint(f[3], big(t, "Mint")),
    value: decodeUint(f[4], big(t, "Value")),
    gasLimit: decodeUint(f[5], u64(t, "Gas"), 8),
    isSystemTransaction: isSystem.length === 1,
    data: expectBytes(f[7], `[]uint8, decoding into (${t}).Data`),
  };
}

function decodeAccessList(item: RlpItem | undefined, t: string): AccessList {
  const field = `types.AccessList, decoding into (${t}).AccessList`;
  if (item === undefined || !Array.isArray(item)) throw new RlpDecodeError(`rlp: expected input list for ${field}`);
  const list: AccessListItem[] = new Array(item.length);
  for (let i = 0; i < item.length; i++) {
    const tuple = expectList(item[i] as RlpItem, 2, "types.AccessTuple");
    const keys = tuple[1] as RlpItem;
    if (!Array.isArray(keys)) throw new RlpDecodeError("rlp: expected input list for []common.Hash");
    list[i] = {
      address: decodeAddress(tuple[0], "common.Address, decoding into (types.AccessTuple).Address"),
      storageKeys: keys.map((key) => decodeHash(key, "common.Hash, decoding into (types.AccessTuple).StorageKeys")),
    };
  }
  return list;
}

// ---------------------------------------------------------------- encoding

function optionalAddress(address: Address | null): Uint8Array {
  return address === null ? EMPTY_BYTES : hexToBytes(address);
}

export function accessListFields(accessList: AccessList): RlpInput[] {
  return accessList.map((item) => [hexToBytes(item.address), item.storageKeys.map(hexToBytes)]);
}

/** The RLP list of a transaction's fields without signature (legacy: without v, r, s and the EIP-155 suffix). */
function unsignedFields(tx: SignableTransaction): RlpInput[] {
  const b = bigintToBytes;
  switch (tx.type) {
    case 0:
      return [b(tx.nonce), b(tx.gasPrice), b(tx.gasLimit), optionalAddress(tx.to), b(tx.value), tx.data];
    case 1:
      return [
        b(tx.chainId),
        b(tx.nonce),
        b(tx.gasPrice),
        b(tx.gasLimit),
        optionalAddress(tx.to),
        b(tx.value),
        tx.data,
        accessListFields(tx.accessList),
      ];
    case 2:
      return [
        b(tx.chainId),
        b(tx.nonce),
        b(tx.maxPriorityFeePerGas),
        b(tx.maxFeePerGas),
        b(tx.gasLimit),
        optionalAddress(tx.to),
        b(tx.value),
        tx.data,
        accessListFields(tx.accessList),
      ];
    case 4:
      return [
        b(tx.chainId),
        b(tx.nonce),
        b(tx.maxPriorityFeePerGas),
        b(tx.maxFeePerGas),
        b(tx.gasLimit),
        optionalAddress(tx.to),
        b(tx.value),
        tx.data,
        accessListFields(tx.accessList),
        tx.authorizationList.map(authorizationFields),
      ];
  }
}

function depositFields(tx: DepositTransaction): RlpInput[] {
  return [
    hexToBytes(tx.sourceHash),
    hexToBytes(tx.from),
    optionalAddress(tx.to),
    bigintToBytes(tx.mint),
    bigintToBytes(tx.value),
    bigintToBytes(tx.gasLimit),
    tx.isSystemTransaction ? Uint8Array.of(1) : EMPTY_BYTES,
    tx.data,
  ];
}

function typed(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = type;
  out.set(payload, 1);
  return out;
}

/** Canonical encoding of a signed (or deposit) transaction: RLP for legacy, type ‖ RLP for typed. */
export function encodeTransaction(tx: TransactionBody): Uint8Array {
  if (tx.type === 0x7e) return typed(0x7e, encodeRlp(depositFields(tx)));
  const fields = unsignedFields(tx);
  if (tx.type === 0) return encodeRlp([...fields, bigintToBytes(tx.v), bigintToBytes(tx.r), bigintToBytes(tx.s)]);
  fields.push(bigintToBytes(BigInt(tx.yParity)), bigintToBytes(tx.r), bigintToBytes(tx.s));
  return typed(tx.type, encodeRlp(fields));
}

/** The hash the sender signs (legacy: EIP-155 form when `chainId` is set). */
export function signingHash(tx: SignableTransaction): Uint8Array {
  const fields = unsignedFields(tx);
  if (tx.type === 0) {
    if (tx.chainId !== undefined) fields.push(bigintToBytes(tx.chainId), EMPTY_BYTES, EMPTY_BYTES);
    return keccak256(encodeRlp(fields));
  }
  return keccak256(typed(tx.type, encodeRlp(fields)));
}

/** Signing hash from the decoded field views of the raw encoding (no re-encoding of integers). */
function payloadHash(body: UnsignedFieldsTransaction, f: RlpItem[]): Uint8Array {
  if (body.type === 0) {
    const fields = f.slice(0, 6);
    if (body.chainId !== undefined) fields.push(bigintToBytes(body.chainId), EMPTY_BYTES, EMPTY_BYTES);
    return keccak256(encodeRlp(fields));
  }
  return keccak256(typed(body.type, encodeRlp(f.slice(0, f.length - 3))));
}

function recoverVerified(tx: UnsignedFieldsTransaction, hash: Uint8Array): Address {
  try {
    return recoverAddress(hash, tx.r, tx.s, tx.yParity);
  } catch (error) {
    throw invalidSignature(SIG_ERROR, error);
  }
}

/** Recovers the sender of a signed transaction; throws `TransactionRejectedError("invalidSignature")`. */
export function recoverSender(tx: UnsignedFieldsTransaction): Address {
  if (tx.type === 0) {
    if (tx.chainId !== undefined && tx.v !== tx.chainId * 2n + 35n + BigInt(tx.yParity))
      throw invalidSignature("v does not match chainId and yParity");
    if (tx.chainId === undefined && tx.v !== 27n + BigInt(tx.yParity))
      throw invalidSignature("v does not match yParity");
  }
  checkSignature(tx.r, tx.s, tx.yParity);
  return recoverVerified(tx, signingHash(tx));
}

/**
 * A `Transaction` from its fields (what the sequencer does for deposits it builds): encodes, hashes and recovers
 * the sender (deposits: `from` as given).
 */
export function buildTransaction(body: TransactionBody): Transaction {
  const raw = encodeTransaction(body);
  const from = body.type === 0x7e ? body.from : recoverSender(body);
  return { ...body, hash: keccak256Hex(raw), from, raw };
}

/** Encoding check used by tests and the pool: decoding `raw` yields fields that re-encode to `raw`. */
export function isCanonicalEncoding(raw: Uint8Array): boolean {
  const reencoded = encodeTransaction(decodeTransactionBody(raw));
  if (reencoded.length !== raw.length) return false;
  for (let i = 0; i < raw.length; i++) if (reencoded[i] !== raw[i]) return false;
  return true;
}
