/**
 * chain/: protocol primitives, pure and synchronous, importing nothing else from Mach but `errors.ts`.
 *
 *   types.ts          Transaction variants, Receipt, Header, Block, Account
 *   hash.ts           keccak256 (hash-wasm, one reused hasher)
 *   bytes.ts          hex ⇄ bytes, bigint ⇄ big-endian bytes: the one implementation every folder uses
 *   byteWriter.ts     ByteWriter: the one writer of Mach's binary codecs (DA batches/frames, state diffs, snapshots):
 *                     u8, big-endian u16/u32/u64, LEB128 varints, uint256 (length byte + minimal bytes), prefixed bytes
 *   byteReader.ts     ByteReader: its inverse, bounded and strict (minimal varints, no leading zeros); each codec
 *                     words the problems as its own decode error (ByteDecodeErrorFactory)
 *   rlp.ts            strict zero-copy RLP decoder (geth's rules and messages), one-buffer encoder, field codecs
 *   signature.ts      secp256k1 recovery: native libsecp256k1, @noble/curves fallback
 *   transaction.ts    raw bytes → decodeTransaction → Transaction {hash, from, raw} (admission does this once)
 *   authorization.ts  EIP-7702 authorization codec and authority recovery
 *   bloom.ts          logs bloom: bloomOf(logs), orBloom, bloomContains (log filters)
 *   receipt.ts        consensus receipt encoding (typed envelope; deposit nonce/version), decoding
 *   header.ts         Prague header RLP, hashHeader (block hash), decoding
 *   trieRoot.ts       Merkle-Patricia roots from sorted keys in one pass: orderedTrieRoot (tx/receipt roots),
 *                     OrderedTrieRootBuilder (the same, for a list that grows), trieRootFromSorted (reference for state/)
 *   constants.ts      empty roots and hashes, OP predeploys, EIP-7702 delegation prefix, system addresses
 *   config.ts         the chain config schema (chain id, gas limit, EIP-1559 parameters), shared config value shapes
 *
 * The block vocabulary and the rules every role shares (sequencer, replica, prover, derivation):
 *   miniBlock.ts      MiniBlock: what the sequencer seals every few ms and everyone else receives
 *   stateDiff.ts      StateDiff / AccountDiff: the new values a mini-block or block wrote
 *   nextBlock.ts      nextBlockEnv (number, base fee, gas limit, PREVRANDAO, mini-block offset), timestamps
 *   openBlock.ts      OpenBlock: the block being built; buildMiniBlock (roots, offsets) and seal (the header)
 *   receipt.ts        … and buildReceipt: an executed transaction's receipt
 *   txLocation.ts     TxLocation: where a transaction sits (one implementation for blocks, mini-blocks, open block)
 *   genesis.ts        genesisBlock: the header over the genesis state root
 *   outputRoot.ts     computeOutputRoot (OP version 0)
 *   chainView.ts      ChainView: the read port of a chain (head, open block, lookups, events) and the `latest` rule
 *   chainConflict.ts  does a signed block show the sequencer replaced blocks a follower holds (replacedHeight), and
 *                     where a range of its blocks leaves that follower's chain (forkPointIn); LocalChain, the port
 *   forkSearch.ts     findForkPoint: the fork point by range requests, walking back (never past what can be undone);
 *                     async only through the fetch it is given (no I/O of its own)
 *   miniBlockSignature.ts  the sequencer's signature over a mini-block header (MegaETH Rex5); digestSignature.ts
 *                     raw secp256k1 signatures over a 32-byte digest (sign, recover, 65-byte codec)
 *   fees.ts           EIP-1559 base fee (OP parameters), effective price/tip, intrinsic gas, EIP-7623 floor, max cost
 *   deposit.ts        OP deposits: source hashes, L1→L2 aliasing, TransactionDeposited log → DepositTransaction
 *   l1BlockInfo.ts    the L1 origin: L1BlockRef, the SystemConfig values it carries, the Ecotone L1-attributes
 *                     deposit (packed calldata codec, l1AttributesDeposit, l1BlockInfoOfBlock)
 *   blockStart.ts     the block content rule: attributes deposit ‖ the origin's user deposits (first block of an
 *                     epoch) ‖ user transactions; epochs advance one L1 block at a time (chooseBlockStart,
 *                     newEpochStart, sameEpochStart, blockStartIn for derivation's checks); L1EpochSource, the
 *                     read port of L1 that epochs come from; L1ReorgTooDeepError (a confirmed L1 block replaced)
 *   sequencingWindow.ts  force inclusion: an epoch not started by a block recorded within `sequencingWindow` L1
 *                     blocks is included by derivation in a deposit-only block; the sequencer's catch-up and rewind
 *   l1Fee.ts          the Ecotone L1 data fee (calldata gas, cost, L1Block's fee slots)
 *
 * Data flow: raw tx bytes (RPC/p2p) → decodeTransaction → txpool → execution → buildReceipt → OpenBlock
 * (buildMiniBlock, add) → seal; derivation and provers call the same functions on the transactions they receive.
 * Every block opens with chooseBlockStart/blockStartIn's transactions (L1 epoch → deposits) before user ones.
 */
export {
  AUTHORIZATION_MAGIC,
  authorizationSigningHash,
  decodeAuthorization,
  recoverAuthority,
} from "./authorization.ts";
export {
  type BlockStart,
  blockStartIn,
  chooseBlockStart,
  type L1Epoch,
  type L1EpochSource,
  L1OriginError,
  L1ReorgTooDeepError,
  NO_L1_EPOCH,
  newEpochStart,
  sameEpochStart,
} from "./blockStart.ts";
export { addToBloom, BLOOM_BYTES, bloomContains, bloomOf, orBloom, orBloomInto } from "./bloom.ts";
export {
  type ByteDecodeErrorFactory,
  type ByteDecodeProblem,
  ByteReader,
} from "./byteReader.ts";
export {
  bigintByteLength,
  bigintToBytes,
  bigintToFixedBytes,
  bytesToBigint,
  bytesToHex,
  EMPTY_BYTES,
  equalBytes,
  hexToBytes,
  tryHexToBytes,
  writeBigint,
} from "./bytes.ts";
export { type ByteEncodeErrorFactory, ByteWriter, varintByteLength } from "./byteWriter.ts";
export {
  type BlockIdentity,
  type ForkStep,
  forkPointIn,
  type LocalChain,
  replacedHeight,
} from "./chainConflict.ts";
export type { BlockContents, ChainEvents, ChainView, LocatedReceipt, LocatedTransaction } from "./chainView.ts";
export {
  addressSchema,
  type ChainConfig,
  chainConfigSchema,
  DEFAULT_BASE_FEE_CHANGE_DENOMINATOR,
  DEFAULT_BLOCK_GAS_LIMIT,
  DEFAULT_CHAIN_ID,
  DEFAULT_ELASTICITY_MULTIPLIER,
  DEFAULT_INITIAL_BASE_FEE,
  DEFAULT_MIN_BASE_FEE,
  DEFAULT_SEQUENCING_WINDOW,
  hexDataSchema,
  privateKeySchema,
} from "./config.ts";
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
export {
  createDigestSigner,
  type DigestSigner,
  decodeSignatureBytes,
  encodeSignatureBytes,
  InvalidSignatureError,
  privateKeyToAddress,
  type RecoverableSignature,
  recoverDigestSigner,
  SIGNATURE_BYTES,
  signDigest,
} from "./digestSignature.ts";
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
export { type FindForkPointParameters, type ForkSearch, findForkPoint } from "./forkSearch.ts";
export { type GenesisBlockParameters, genesisBlock } from "./genesis.ts";
export { keccak256, keccak256Hex } from "./hash.ts";
export { decodeHeader, encodeHeader, hashHeader, hashHeaderBytes } from "./header.ts";
export {
  decodeL1BlockInfo,
  encodeL1BlockInfo,
  L1_BLOCK_INFO_ECOTONE_BYTES,
  type L1BlockInfo,
  L1BlockInfoError,
  type L1BlockRef,
  type L1SystemConfig,
  l1AttributesDeposit,
  l1BlockInfoOf,
  l1BlockInfoOfBlock,
  SET_L1_BLOCK_VALUES_ECOTONE_SELECTOR,
} from "./l1BlockInfo.ts";
export {
  ECOTONE_L1_FEE_DIVISOR,
  ecotoneL1Cost,
  ecotoneL1FeeCharge,
  L1BlockFeeSlots,
  type L1FeeCharge,
  type L1FeeParameters,
  l1FeeParametersFromSlots,
  l1GasUsedOf,
} from "./l1Fee.ts";
export type { MiniBlock } from "./miniBlock.ts";
export {
  type MiniBlockHeaderFields,
  type MiniBlockSignature,
  miniBlockSigningHash,
  recoverMiniBlockSigner,
  signMiniBlock,
} from "./miniBlockSignature.ts";
export { nextBlockEnv, nextBlockTimestamp, prevRandaoFor } from "./nextBlock.ts";
export { type MiniBlockContents, OpenBlock, type OpenBlockEnv, type OpenTxLocation } from "./openBlock.ts";
export { computeOutputRoot, OUTPUT_ROOT_VERSION_0, type OutputRootProof } from "./outputRoot.ts";
export type { ConsensusReceipt } from "./receipt.ts";
export {
  buildReceipt,
  decodeLog,
  decodeReceipt,
  type ExecutedTransaction,
  encodeLog,
  encodeReceipt,
} from "./receipt.ts";
export type { RlpInput, RlpItem } from "./rlp.ts";
export { decodeRlp, encodeRlp, encodeRlpBytes, encodeRlpListOfEncoded, RlpDecodeError } from "./rlp.ts";
export {
  type ChainEpoch,
  type FirstPassedEpochParameters,
  FORCED_BLOCK_COINBASE,
  firstPassedEpoch,
  forcedBlockEnv,
  forcedBlockStart,
  forcedBlockTimestamp,
  isForcedBlock,
  isWindowPassed,
  mustCatchUp,
  nextEpochNumber,
  windowDeadline,
} from "./sequencingWindow.ts";
export {
  isValidSignatureValues,
  publicKeyToAddress,
  recoverAddress,
  SECP256K1_N,
  SECP256K1_N_DIV_2,
  secp256k1Backend,
} from "./signature.ts";
export type { AccountDiff, StateDiff } from "./stateDiff.ts";
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
export { blockTxLocations, miniBlockTxLocations, type TxLocation } from "./txLocation.ts";
export * from "./types.ts";
