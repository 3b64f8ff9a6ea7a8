/**
 * chain/: protocol primitives, pure and synchronous, importing nothing else from Mach but `errors.ts`.
 *
 *   types.ts          Transaction variants, Receipt, Header, Block, Account
 *   hash.ts           keccak256 (hash-wasm, one reused hasher)
 *   rlp.ts            strict zero-copy RLP decoder (geth's rules and messages), @ethereumjs/rlp encoder, field codecs
 *   signature.ts      secp256k1 recovery: native libsecp256k1, @noble/curves fallback
 *   transaction.ts    raw bytes → decodeTransaction → Transaction {hash, from, raw} (admission does this once)
 *   authorization.ts  EIP-7702 authorization codec and authority recovery
 *   bloom.ts          logs bloom: bloomOf(logs), orBloom, bloomContains (log filters)
 *   receipt.ts        consensus receipt encoding (typed envelope; deposit nonce/version), decoding
 *   header.ts         Prague header RLP, hashHeader (block hash), decoding
 *   trieRoot.ts       Merkle-Patricia roots from sorted keys in one pass: orderedTrieRoot (tx/receipt roots),
 *                     trieRootFromSorted (reference for state/)
 *   constants.ts      empty roots and hashes, OP predeploys, EIP-7702 delegation prefix, system addresses
 *   fees.ts           EIP-1559 base fee (OP parameters), effective price/tip, intrinsic gas, EIP-7623 floor, max cost
 *   deposit.ts        OP deposits: source hashes, L1→L2 aliasing, TransactionDeposited log → DepositTransaction
 *
 * Data flow: raw tx bytes (RPC/p2p) → decodeTransaction → txpool → execution; the sequencer builds deposits with
 * buildTransaction.
 */
export {
  AUTHORIZATION_MAGIC,
  authorizationSigningHash,
  decodeAuthorization,
  recoverAuthority,
} from "./authorization.ts";
export { addToBloom, BLOOM_BYTES, bloomContains, bloomOf, orBloom, orBloomInto } from "./bloom.ts";
export {
  BEACON_ROOTS_ADDRESS,
  DELEGATION_CODE_LENGTH,
  DELEGATION_PREFIX,
  DELEGATION_PREFIX_BYTES,
  EMPTY_NONCE,
  EMPTY_OMMERS_HASH,
  EMPTY_REQUESTS_HASH,
  EMPTY_TRIE_ROOT,
  HISTORY_STORAGE_ADDRESS,
  KECCAK_EMPTY,
  L1_ATTRIBUTES_DEPOSIT_GAS,
  L1_ATTRIBUTES_DEPOSITOR,
  Predeploys,
  SYSTEM_ADDRESS,
  ZERO_ADDRESS,
  ZERO_HASH,
} from "./constants.ts";
export type { DepositOpaqueData, TransactionDepositedLog } from "./deposit.ts";
export {
  applyL1ToL2Alias,
  DEPOSIT_EVENT_VERSION_0,
  DepositLogError,
  DepositSourceDomain,
  decodeDepositOpaqueData,
  decodeTransactionDepositedLog,
  encodeDepositOpaqueData,
  encodeTransactionDepositedData,
  L1_TO_L2_ALIAS_OFFSET,
  l1InfoDepositSourceHash,
  TRANSACTION_DEPOSITED_TOPIC,
  transactionDepositedTopics,
  undoL1ToL2Alias,
  upgradeDepositSourceHash,
  userDepositSourceHash,
} from "./deposit.ts";
export type { BaseFeeParams, IntrinsicGasInput } from "./fees.ts";
export {
  calldataTokens,
  ETHEREUM_BASE_FEE_PARAMS,
  effectiveGasPrice,
  effectiveTip,
  floorDataGas,
  INIT_CODE_WORD_GAS,
  intrinsicGas,
  MAX_CODE_SIZE,
  MAX_INIT_CODE_SIZE,
  MAX_REFUND_QUOTIENT,
  maxFeePerGas,
  maxPriorityFeePerGas,
  maxTxCost,
  minimumGasLimit,
  nextBaseFee,
  OP_BASE_FEE_PARAMS,
  PER_AUTH_BASE_COST,
  PER_EMPTY_ACCOUNT_COST,
  STANDARD_TOKEN_COST,
  TOTAL_COST_FLOOR_PER_TOKEN,
  TX_ACCESS_LIST_ADDRESS_GAS,
  TX_ACCESS_LIST_STORAGE_KEY_GAS,
  TX_DATA_NON_ZERO_GAS,
  TX_DATA_ZERO_GAS,
  TX_GAS,
  TX_GAS_CONTRACT_CREATION,
} from "./fees.ts";
export { keccak256, keccak256Hex } from "./hash.ts";
export { decodeHeader, encodeHeader, hashHeader, hashHeaderBytes } from "./header.ts";
export type { ConsensusReceipt } from "./receipt.ts";
export { decodeLog, decodeReceipt, encodeLog, encodeReceipt } from "./receipt.ts";
export type { RlpInput, RlpItem } from "./rlp.ts";
export {
  bigintToBytes,
  bigintToFixedBytes,
  bytesToBigint,
  bytesToHexString,
  decodeRlp,
  encodeRlp,
  encodeRlpBytes,
  encodeRlpListOfEncoded,
  hexStringToBytes,
  RlpDecodeError,
} from "./rlp.ts";
export {
  isValidSignatureValues,
  publicKeyToAddress,
  recoverAddress,
  SECP256K1_N,
  SECP256K1_N_DIV_2,
  secp256k1Backend,
} from "./signature.ts";
export type { SignableTransaction } from "./transaction.ts";
export {
  buildTransaction,
  decodeTransaction,
  decodeTransactionBody,
  encodeTransaction,
  isCanonicalEncoding,
  recoverSender,
  signingHash,
} from "./transaction.ts";
export type { TrieEntry } from "./trieRoot.ts";
export { orderedTrieRoot, orderedTrieRootBytes, trieRootFromSorted } from "./trieRoot.ts";
