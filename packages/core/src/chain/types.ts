/**
 * Protocol types shared by every layer of the node. Hot-path fields are bigint / Uint8Array; addresses, hashes and
 * storage slots are lowercase 0x-hex strings (viem's `Address` / `Hex`) so they key Maps directly.
 */
import type { Address, Hex } from "viem";

export type { Address, Hex };

/** 32-byte hash as lowercase 0x-hex. */
export type Hash = Hex;

export const TxType = {
  legacy: 0,
  accessList: 1,
  eip1559: 2,
  setCode: 4,
  deposit: 0x7e,
} as const;
export type TxType = (typeof TxType)[keyof typeof TxType];

export interface AccessListItem {
  readonly address: Address;
  readonly storageKeys: readonly Hash[];
}
export type AccessList = readonly AccessListItem[];

/** EIP-7702 authorization tuple, as signed by the authority. */
export interface Authorization {
  readonly chainId: bigint;
  readonly address: Address;
  readonly nonce: bigint;
  readonly yParity: number;
  readonly r: bigint;
  readonly s: bigint;
}

interface SignedFields {
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  /** `null` for contract creation. */
  readonly to: Address | null;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly r: bigint;
  readonly s: bigint;
  /** 0/1 for typed txs; for legacy, the recovery bit derived from `v`. */
  readonly yParity: number;
}

export interface LegacyTransaction extends SignedFields {
  readonly type: 0;
  /** `undefined` for pre-EIP-155 transactions (rejected by the pool, kept decodable). */
  readonly chainId: bigint | undefined;
  readonly gasPrice: bigint;
  readonly v: bigint;
}
export interface AccessListTransaction extends SignedFields {
  readonly type: 1;
  readonly chainId: bigint;
  readonly gasPrice: bigint;
  readonly accessList: AccessList;
}
export interface Eip1559Transaction extends SignedFields {
  readonly type: 2;
  readonly chainId: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly accessList: AccessList;
}
export interface SetCodeTransaction extends SignedFields {
  readonly type: 4;
  readonly chainId: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly accessList: AccessList;
  /** Non-empty; `to` is never null. */
  readonly authorizationList: readonly Authorization[];
}
/** OP Stack deposit (type 0x7E): no signature, `from` is given by L1. */
export interface DepositTransaction {
  readonly type: 0x7e;
  readonly sourceHash: Hash;
  readonly from: Address;
  readonly to: Address | null;
  readonly mint: bigint;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly isSystemTransaction: boolean;
  readonly data: Uint8Array;
}

export type UnsignedFieldsTransaction =
  | LegacyTransaction
  | AccessListTransaction
  | Eip1559Transaction
  | SetCodeTransaction;
export type TransactionBody = UnsignedFieldsTransaction | DepositTransaction;

/**
 * A decoded transaction with what admission derived once, so nothing downstream re-hashes or re-recovers:
 * `hash` (keccak of `raw`), `from` (recovered sender, or the deposit's `from`), `raw` (canonical encoding:
 * RLP for legacy, type byte ‖ RLP for typed).
 */
export type Transaction = TransactionBody & {
  readonly hash: Hash;
  readonly from: Address;
  readonly raw: Uint8Array;
};

export interface Log {
  readonly address: Address;
  readonly topics: readonly Hash[];
  readonly data: Uint8Array;
}

/** Consensus receipt fields (what `receiptsRoot` commits to) plus what RPC needs to render it. */
export interface Receipt {
  readonly type: TxType;
  /** 1 success, 0 failure. */
  readonly status: 0 | 1;
  readonly cumulativeGasUsed: bigint;
  readonly logsBloom: Uint8Array;
  readonly logs: readonly Log[];
  /** Gas used by this transaction alone. */
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly contractAddress: Address | null;
  /** Deposits only (post-Regolith/Canyon encoding): the sender nonce before the deposit, and the receipt version. */
  readonly depositNonce?: bigint;
  readonly depositReceiptVersion?: bigint;
  /**
   * The OP Ecotone L1 data fee charged (`l1Fee`) and what it was computed from, as OP receipts report them: the
   * signed transaction's calldata gas (`l1GasUsed`), the L1 origin's base fee (`l1GasPrice`) and blob base fee, and
   * the two `SystemConfig` scalars. All 0 for deposits (RPC omits them there, as op-geth does).
   */
  readonly l1Fee: bigint;
  readonly l1GasUsed: bigint;
  readonly l1GasPrice: bigint;
  readonly l1BlobBaseFee: bigint;
  readonly l1BaseFeeScalar: bigint;
  readonly l1BlobBaseFeeScalar: bigint;
}

/** Ethereum (Prague) block header. */
export interface Header {
  readonly parentHash: Hash;
  readonly ommersHash: Hash;
  readonly beneficiary: Address;
  readonly stateRoot: Hash;
  readonly transactionsRoot: Hash;
  readonly receiptsRoot: Hash;
  readonly logsBloom: Uint8Array;
  readonly difficulty: bigint;
  readonly number: bigint;
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  /** Seconds. */
  readonly timestamp: bigint;
  readonly extraData: Uint8Array;
  readonly mixHash: Hash;
  readonly nonce: Uint8Array;
  readonly baseFeePerGas: bigint;
  readonly withdrawalsRoot: Hash;
  readonly blobGasUsed: bigint;
  readonly excessBlobGas: bigint;
  readonly parentBeaconBlockRoot: Hash;
  readonly requestsHash: Hash;
}

export interface Block {
  readonly header: Header;
  readonly hash: Hash;
  readonly transactions: readonly Transaction[];
  /** Number of mini-blocks sealed inside this block, and the global number of the first one. */
  readonly miniBlockCount: number;
  readonly miniBlockOffset: bigint;
}

/** One account's state as the world state holds it. */
export interface Account {
  readonly nonce: bigint;
  readonly balance: bigint;
  /** keccak256 of the code; KECCAK_EMPTY for accounts without code. */
  readonly codeHash: Hash;
}
