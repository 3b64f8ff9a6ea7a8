/**
 * Re-executes one block from its witness alone, with the same executor and chain/ rules every role uses (the
 * sequencer's test "builds blocks that chain/'s rules alone rebuild" is this path): the block environment from the
 * parent header and the block's timestamp and coinbase (`nextBlockEnv`), every transaction against the witness's
 * state, receipts by `buildReceipt`, the header by `OpenBlock.seal` over the post-state root. The rebuilt header must
 * hash to the block's hash (so its state, transactions and receipts roots, gas and bloom all match); then the output
 * root follows from the post-state root and the message passer's storage root.
 *
 * No database and no state outside the witness: whatever is missing stops it with `IncompleteWitnessError`.
 */
import type { ChainConfig } from "../chain/config.ts";
import { Predeploys } from "../chain/constants.ts";
import { nextBlockEnv } from "../chain/nextBlock.ts";
import { OpenBlock } from "../chain/openBlock.ts";
import { computeOutputRoot } from "../chain/outputRoot.ts";
import { buildReceipt } from "../chain/receipt.ts";
import type { Hash, Header, Receipt, Transaction } from "../chain/types.ts";
import { TransactionRejectedError } from "../errors.ts";
import type { BlockEnv, Executor } from "../execution/types.ts";
import type { BlockWitness } from "../state/witness/types.ts";
import { WitnessState } from "../state/witness/witnessState.ts";
import { BlockMismatchError } from "./errors.ts";

/** A block to re-execute: its header and transactions (p2p block message + its mini-blocks, or RPC). */
export interface BlockToProve {
  readonly header: Header;
  readonly hash: Hash;
  readonly transactions: readonly Transaction[];
}

/** What re-execution established: the header's roots, and the output root for an attestation. */
export interface ProvenBlock {
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly stateRoot: Hash;
  readonly messagePasserStorageRoot: Hash;
  readonly outputRoot: Hash;
}

export interface ExecuteBlockStatelesslyParameters {
  readonly chain: ChainConfig;
  readonly executor: Executor;
  readonly block: BlockToProve;
  readonly witness: BlockWitness;
}

const HEADER_FIELDS = ["stateRoot", "transactionsRoot", "receiptsRoot", "gasUsed", "logsBloom"] as const;

export async function executeBlockStatelessly(parameters: ExecuteBlockStatelesslyParameters): Promise<ProvenBlock> {
  const { chain, executor, block, witness } = parameters;
  const { header } = block;
  const state = new WitnessState(witness, header.parentHash);
  const parent = {
    header: state.parentHeader,
    hash: state.parentHash,
    transactions: [],
    miniBlockCount: 0,
    miniBlockOffset: 0n,
  };
  const open = new OpenBlock(
    nextBlockEnv(parent, chain, { timestamp: header.timestamp, coinbase: header.beneficiary }),
  );
  const env: BlockEnv = {
    chainId: chain.chainId,
    number: open.env.number,
    timestamp: open.env.timestamp,
    gasLimit: open.env.gasLimit,
    baseFeePerGas: open.env.baseFeePerGas,
    coinbase: open.env.coinbase,
    prevRandao: open.env.prevRandao,
    getBlockHash: (number) => state.blockHash(number),
  };
  const receipts: Receipt[] = [];
  let gasUsed = 0n;
  for (const [index, tx] of block.transactions.entries()) {
    try {
      const result = await executor.executeTransaction(state, tx, env);
      gasUsed += result.gasUsed;
      receipts.push(buildReceipt(result, gasUsed));
    } catch (error) {
      if (state.missing !== undefined) throw state.missing;
      if (!(error instanceof TransactionRejectedError)) throw error;
      throw new BlockMismatchError(header.number, "transaction", `transaction ${index} (${tx.hash}) is invalid here`, {
        cause: error,
      });
    }
    // The executor may have caught a missing value as an EVM failure: never go on from a guess.
    if (state.missing !== undefined) throw state.missing;
  }
  const stateRoot = state.commit();
  if (block.transactions.length > 0) {
    open.add(
      open.buildMiniBlock({ transactions: block.transactions, receipts, stateDiff: { accounts: [] }, timestampUs: 0n }),
    );
  }
  const rebuilt = open.seal(stateRoot);
  if (rebuilt.hash !== block.hash) {
    const field = HEADER_FIELDS.find((name) => String(rebuilt.header[name]) !== String(header[name])) ?? "hash";
    throw new BlockMismatchError(
      header.number,
      field,
      `re-executed ${field} ${String(rebuilt.header[field as keyof Header])}, header ${String(header[field as keyof Header])}`,
    );
  }
  const messagePasserStorageRoot = state.storageRoot(Predeploys.L2ToL1MessagePasser);
  return {
    blockNumber: header.number,
    blockHash: block.hash,
    stateRoot,
    messagePasserStorageRoot,
    outputRoot: computeOutputRoot({ stateRoot, messagePasserStorageRoot, blockHash: block.hash }),
  };
}
