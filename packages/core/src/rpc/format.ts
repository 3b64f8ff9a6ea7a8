/**
 * JSON renderers: Mach's protocol types → the JSON shapes geth / op-geth / MegaETH answer with. Quantities are hex
 * without leading zeros, Data is even-length hex. Pure functions, no I/O.
 */
import { bytesToHex } from "../chain/bytes.ts";
import { effectiveGasPrice } from "../chain/fees.ts";
import { encodeHeader } from "../chain/header.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { MiniBlockSignature } from "../chain/miniBlockSignature.ts";
import type { StateDiff } from "../chain/stateDiff.ts";
import { miniBlockTxLocations, type TxLocation } from "../chain/txLocation.ts";
import type { Block, Hash, Header, Log, Receipt, Transaction } from "../chain/types.ts";
import type { CallFrame } from "../execution/types.ts";
import type { AccountProof, OutputAtBlock } from "./backend.ts";

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };
export type JsonObject = { [key: string]: Json | undefined };

/** MegaETH's `blockHash` for a transaction whose mini-block is not yet sealed into a block. */
export const PENDING_BLOCK_HASH: Hash = `0x${"f".repeat(64)}`;

export const toQuantity = (value: bigint | number): string => `0x${value.toString(16)}`;
export const toData = (value: Uint8Array): string => bytesToHex(value);
/** A uint256 as 32-byte Data (storage values). */
export const toWord = (value: bigint): string => `0x${value.toString(16).padStart(64, "0")}`;

function locationFields(location: TxLocation | undefined): JsonObject {
  if (!location) return { blockHash: null, blockNumber: null, blockTimestamp: null, transactionIndex: null };
  return {
    blockHash: location.blockHash ?? PENDING_BLOCK_HASH,
    blockNumber: toQuantity(location.blockNumber),
    blockTimestamp: toQuantity(location.blockTimestamp),
    transactionIndex: toQuantity(location.transactionIndex),
  };
}

/**
 * Transaction object as `eth_getTransactionByHash` renders it; `location` absent for pool transactions. For
 * deposits, `receipt` supplies op-geth's `nonce` (the deposit nonce) and `depositReceiptVersion`.
 */
export function formatTransaction(tx: Transaction, location?: TxLocation, receipt?: Receipt): JsonObject {
  const base: JsonObject = {
    ...locationFields(location),
    hash: tx.hash,
    type: toQuantity(tx.type),
    from: tx.from,
    to: tx.to,
    gas: toQuantity(tx.gasLimit),
    value: toQuantity(tx.value),
    input: toData(tx.data),
  };
  if (tx.type === 0x7e) {
    return {
      ...base,
      sourceHash: tx.sourceHash,
      mint: toQuantity(tx.mint),
      isSystemTx: tx.isSystemTransaction,
      nonce: toQuantity(receipt?.depositNonce ?? 0n),
      ...(receipt?.depositReceiptVersion === undefined
        ? {}
        : { depositReceiptVersion: toQuantity(receipt.depositReceiptVersion) }),
      gasPrice: "0x0",
      v: "0x0",
      r: "0x0",
      s: "0x0",
    };
  }
  const signature = { r: toQuantity(tx.r), s: toQuantity(tx.s) };
  base.nonce = toQuantity(tx.nonce);
  switch (tx.type) {
    case 0:
      return {
        ...base,
        gasPrice: toQuantity(tx.gasPrice),
        ...(tx.chainId === undefined ? {} : { chainId: toQuantity(tx.chainId) }),
        v: toQuantity(tx.v),
        ...signature,
      };
    case 1:
      return {
        ...base,
        gasPrice: toQuantity(tx.gasPrice),
        chainId: toQuantity(tx.chainId),
        accessList: formatAccessList(tx.accessList),
        v: toQuantity(tx.yParity),
        yParity: toQuantity(tx.yParity),
        ...signature,
      };
    case 2:
    case 4: {
      const gasPrice = location ? effectiveGasPrice(tx, location.baseFeePerGas) : tx.maxFeePerGas;
      const out: JsonObject = {
        ...base,
        gasPrice: toQuantity(gasPrice),
        maxFeePerGas: toQuantity(tx.maxFeePerGas),
        maxPriorityFeePerGas: toQuantity(tx.maxPriorityFeePerGas),
        chainId: toQuantity(tx.chainId),
        accessList: formatAccessList(tx.accessList),
        v: toQuantity(tx.yParity),
        yParity: toQuantity(tx.yParity),
        ...signature,
      };
      if (tx.type === 4) {
        out.authorizationList = tx.authorizationList.map((auth) => ({
          chainId: toQuantity(auth.chainId),
          address: auth.address,
          nonce: toQuantity(auth.nonce),
          yParity: toQuantity(auth.yParity),
          r: toQuantity(auth.r),
          s: toQuantity(auth.s),
        }));
      }
      return out;
    }
  }
}

function formatAccessList(list: readonly { address: string; storageKeys: readonly string[] }[]): Json {
  return list.map((item) => ({ address: item.address, storageKeys: [...item.storageKeys] }));
}

/** Where a log sits, for rendering. */
export interface LogContext {
  readonly blockNumber: bigint;
  readonly blockHash: Hash | null;
  readonly blockTimestamp: bigint;
  readonly transactionHash: Hash;
  readonly transactionIndex: number;
  readonly logIndex: number;
}

export function formatLog(log: Log, context: LogContext): JsonObject {
  return {
    address: log.address,
    topics: [...log.topics],
    data: toData(log.data),
    blockNumber: toQuantity(context.blockNumber),
    blockHash: context.blockHash ?? PENDING_BLOCK_HASH,
    blockTimestamp: toQuantity(context.blockTimestamp),
    transactionHash: context.transactionHash,
    transactionIndex: toQuantity(context.transactionIndex),
    logIndex: toQuantity(context.logIndex),
    removed: false,
  };
}

/** Receipt object with OP fee fields (and deposit fields on 0x7E). */
export function formatReceipt(tx: Transaction, receipt: Receipt, location: TxLocation): JsonObject {
  const blockHash = location.blockHash ?? PENDING_BLOCK_HASH;
  const out: JsonObject = {
    transactionHash: tx.hash,
    transactionIndex: toQuantity(location.transactionIndex),
    blockHash,
    blockNumber: toQuantity(location.blockNumber),
    from: tx.from,
    to: receipt.contractAddress === null ? tx.to : null,
    cumulativeGasUsed: toQuantity(receipt.cumulativeGasUsed),
    gasUsed: toQuantity(receipt.gasUsed),
    effectiveGasPrice: toQuantity(receipt.effectiveGasPrice),
    contractAddress: receipt.contractAddress,
    logs: receipt.logs.map((log, i) =>
      formatLog(log, {
        blockNumber: location.blockNumber,
        blockHash: location.blockHash,
        blockTimestamp: location.blockTimestamp,
        transactionHash: tx.hash,
        transactionIndex: location.transactionIndex,
        logIndex: location.firstLogIndex + i,
      }),
    ),
    logsBloom: toData(receipt.logsBloom),
    status: toQuantity(receipt.status),
    type: toQuantity(receipt.type),
  };
  if (tx.type === 0x7e) {
    if (receipt.depositNonce !== undefined) out.depositNonce = toQuantity(receipt.depositNonce);
    if (receipt.depositReceiptVersion !== undefined) {
      out.depositReceiptVersion = toQuantity(receipt.depositReceiptVersion);
    }
  } else {
    // op-geth's Ecotone fields, on every non-deposit receipt (`l1FeeScalar` was removed with Ecotone).
    out.l1GasPrice = toQuantity(receipt.l1GasPrice);
    out.l1GasUsed = toQuantity(receipt.l1GasUsed);
    out.l1Fee = toQuantity(receipt.l1Fee);
    out.l1BlobBaseFee = toQuantity(receipt.l1BlobBaseFee);
    out.l1BaseFeeScalar = toQuantity(receipt.l1BaseFeeScalar);
    out.l1BlobBaseFeeScalar = toQuantity(receipt.l1BlobBaseFeeScalar);
  }
  return out;
}

/** Header fields shared by blocks and `newHeads`. */
export function formatHeader(header: Header, hash: Hash): JsonObject {
  return {
    hash,
    parentHash: header.parentHash,
    sha3Uncles: header.ommersHash,
    miner: header.beneficiary,
    stateRoot: header.stateRoot,
    transactionsRoot: header.transactionsRoot,
    receiptsRoot: header.receiptsRoot,
    logsBloom: toData(header.logsBloom),
    difficulty: toQuantity(header.difficulty),
    number: toQuantity(header.number),
    gasLimit: toQuantity(header.gasLimit),
    gasUsed: toQuantity(header.gasUsed),
    timestamp: toQuantity(header.timestamp),
    extraData: toData(header.extraData),
    mixHash: header.mixHash,
    nonce: toData(header.nonce),
    baseFeePerGas: toQuantity(header.baseFeePerGas),
    withdrawalsRoot: header.withdrawalsRoot,
    blobGasUsed: toQuantity(header.blobGasUsed),
    excessBlobGas: toQuantity(header.excessBlobGas),
    parentBeaconBlockRoot: header.parentBeaconBlockRoot,
    requestsHash: header.requestsHash,
  };
}

/** `newHeads` payload: the header plus MegaETH's `miniBlockCount` / `miniBlockOffset` (hex). */
export function formatNewHead(block: Block): JsonObject {
  return {
    ...formatHeader(block.header, block.hash),
    miniBlockCount: toQuantity(block.miniBlockCount),
    miniBlockOffset: toQuantity(block.miniBlockOffset),
  };
}

/** Block object; `fullTransactions` renders transaction objects (deposit nonces from `receipts`), else hashes. */
export function formatBlock(block: Block, fullTransactions: boolean, receipts?: readonly Receipt[]): JsonObject {
  const header = block.header;
  const location = (index: number): TxLocation => ({
    blockNumber: header.number,
    blockHash: block.hash,
    blockTimestamp: header.timestamp,
    transactionIndex: index,
    firstLogIndex: 0,
    baseFeePerGas: header.baseFeePerGas,
  });
  return {
    ...formatHeader(header, block.hash),
    size: toQuantity(blockSize(block)),
    totalDifficulty: "0x0",
    uncles: [],
    withdrawals: [],
    transactions: fullTransactions
      ? block.transactions.map((tx, i) => formatTransaction(tx, location(i), receipts?.[i]))
      : block.transactions.map((tx) => tx.hash),
    miniBlockCount: toQuantity(block.miniBlockCount),
    miniBlockOffset: toQuantity(block.miniBlockOffset),
  };
}

function rlpPrefixLength(length: number): number {
  if (length < 56) return 1;
  let bytes = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes++;
  return 1 + bytes;
}

/** Byte length of the block's RLP `[header, transactions, uncles, withdrawals]`, without building it. */
export function blockSize(block: Block): number {
  let txs = 0;
  for (const tx of block.transactions) {
    const first = tx.raw[0] ?? 0;
    // Legacy transactions are RLP lists embedded as they are; typed ones are byte strings.
    txs += first >= 0xc0 ? tx.raw.length : rlpPrefixLength(tx.raw.length) + tx.raw.length;
  }
  const payload = encodeHeader(block.header).length + rlpPrefixLength(txs) + txs + 1 + 1;
  return rlpPrefixLength(payload) + payload;
}

/**
 * MegaETH's `miniBlocks` subscription payload (snake_case keys, hex quantities, µs timestamp), with the sequencer's
 * Rex5 header signature `{r, s, yParity}` when the chain is signed (absent otherwise, as before Rex5).
 */
export function formatMiniBlock(
  miniBlock: MiniBlock,
  baseFeePerGas: bigint,
  signature?: MiniBlockSignature,
): JsonObject {
  const locations = miniBlockTxLocations(miniBlock, baseFeePerGas);
  const payload: JsonObject = {
    block_number: toQuantity(miniBlock.blockNumber),
    block_timestamp: toQuantity(miniBlock.blockTimestamp),
    index: toQuantity(miniBlock.index),
    mini_block_number: toQuantity(miniBlock.number),
    mini_block_timestamp: toQuantity(miniBlock.timestampUs),
    gas_used: toQuantity(miniBlock.gasUsed),
    transactions: miniBlock.transactions.map((tx, i) => formatTransaction(tx, locations[i], miniBlock.receipts[i])),
    receipts: miniBlock.transactions.map((tx, i) =>
      formatReceipt(tx, miniBlock.receipts[i] as Receipt, locations[i] as TxLocation),
    ),
    transaction_root: miniBlock.transactionsRoot,
    receipt_root: miniBlock.receiptsRoot,
  };
  if (signature !== undefined) {
    payload.signature = {
      r: toQuantity(signature.r),
      s: toQuantity(signature.s),
      yParity: toQuantity(signature.yParity),
    };
  }
  return payload;
}

/**
 * `stateChanges` items for the watched addresses: `{address, nonce, balance, storage}`. `nonce` is a JSON number
 * (MegaETH's M/S/N docs; D's hex variant is older draft text), storage values are 32-byte words.
 */
export function formatStateChanges(diff: StateDiff, watched: ReadonlySet<string> | undefined): JsonObject[] {
  const out: JsonObject[] = [];
  for (const account of diff.accounts) {
    if (watched && !watched.has(account.address)) continue;
    const storage: JsonObject = {};
    for (const [slot, value] of account.storage) storage[slot] = toWord(value);
    out.push({
      address: account.address,
      nonce: Number(account.account?.nonce ?? 0n),
      balance: toQuantity(account.account?.balance ?? 0n),
      storage,
    });
  }
  return out;
}

/** `mach_getStateDiff`: every touched account with its new values. */
export function formatStateDiff(diff: StateDiff): JsonObject {
  return {
    accounts: diff.accounts.map((account) => {
      const storage: JsonObject = {};
      for (const [slot, value] of account.storage) storage[slot] = toWord(value);
      return {
        address: account.address,
        deleted: account.account === null,
        nonce: account.account ? toQuantity(account.account.nonce) : null,
        balance: account.account ? toQuantity(account.account.balance) : null,
        codeHash: account.account ? account.account.codeHash : null,
        ...(account.code === undefined ? {} : { code: toData(account.code) }),
        storageCleared: account.storageCleared,
        storage,
      };
    }),
  };
}

export function formatProof(proof: AccountProof): JsonObject {
  return {
    address: proof.address,
    accountProof: proof.accountProof.map(toData),
    balance: toQuantity(proof.balance),
    codeHash: proof.codeHash,
    nonce: toQuantity(proof.nonce),
    storageHash: proof.storageHash,
    storageProof: proof.storageProof.map((item) => ({
      key: item.key,
      value: toQuantity(item.value),
      proof: item.proof.map(toData),
    })),
  };
}

/** geth's callTracer JSON. */
export function formatCallFrame(frame: CallFrame): JsonObject {
  const out: JsonObject = {
    type: frame.type,
    from: frame.from,
    to: frame.to,
    value: toQuantity(frame.value),
    gas: toQuantity(frame.gas),
    gasUsed: toQuantity(frame.gasUsed),
    input: toData(frame.input),
    output: toData(frame.output),
  };
  if (frame.error !== undefined) out.error = frame.error;
  if (frame.revertReason !== undefined) out.revertReason = frame.revertReason;
  if (frame.calls.length > 0) out.calls = frame.calls.map(formatCallFrame);
  return out;
}

/** op-node's `optimism_outputAtBlock` shape: camelCase top, JSON numbers in `blockRef`, snake_case `syncStatus`. */
export function formatOutputAtBlock(output: OutputAtBlock): JsonObject {
  return {
    version: output.version,
    outputRoot: output.outputRoot,
    blockRef: {
      hash: output.blockHash,
      number: Number(output.blockNumber),
      parentHash: output.parentHash,
      timestamp: Number(output.timestamp),
      l1origin: { hash: output.l1Origin.hash, number: Number(output.l1Origin.number) },
      sequenceNumber: 0,
    },
    withdrawalStorageRoot: output.withdrawalStorageRoot,
    stateRoot: output.stateRoot,
    syncStatus: output.syncStatus as Json,
  };
}
