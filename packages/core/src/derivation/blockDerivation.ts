/**
 * One block from its batch entry, by chain/'s rules alone (the path of the sequencer's test "builds blocks that
 * chain/'s rules alone rebuild"): the parent and the entry's timestamp and coinbase give the environment
 * (`nextBlockEnv`: base fee, gas limit, PREVRANDAO by the chain's rules); the L1 origin the entry's first transaction
 * names gives the block start (`blockStartIn`: the L1-attributes deposit and, on a new epoch, that L1 block's
 * deposits, read from L1), which must be the entry's first transactions byte for byte; the remaining transactions
 * are user transactions. Start transactions execute into mini-block 0, as the sequencer executes them; user
 * transactions into mini-block 1 (batches do not carry the sequencer's mini-block boundaries, and a block's header
 * does not depend on them). The rebuilt block must have the entry's state root and hash.
 *
 * Each broken rule throws `BatchRejectedError`; the caller undoes the block's writes (`ChainState.discardOpenBlock`)
 * when anything throws. On success the block is committed in `state` and returned with its receipts.
 */
import { blockStartIn, type L1Epoch, L1OriginError } from "../chain/blockStart.ts";
import type { ChainConfig } from "../chain/config.ts";
import { type L1BlockInfo, L1BlockInfoError, l1BlockInfoOfBlock } from "../chain/l1BlockInfo.ts";
import { nextBlockEnv } from "../chain/nextBlock.ts";
import { OpenBlock } from "../chain/openBlock.ts";
import { buildReceipt } from "../chain/receipt.ts";
import { decodeTransaction } from "../chain/transaction.ts";
import type { Block, Hash, Receipt, Transaction } from "../chain/types.ts";
import type { BatchBlock } from "../da/batch.ts";
import { equalBytes } from "../da/batch.ts";
import { TransactionRejectedError } from "../errors.ts";
import { isDevStateEditTransaction } from "../execution/devStateEdits.ts";
import type { BlockEnv, Executor } from "../execution/types.ts";
import type { ChainState } from "../state/chainState.ts";
import { BatchRejectedError } from "./rejection.ts";

export interface DeriveBlockParameters {
  readonly chain: ChainConfig;
  readonly executor: Executor;
  /** The chain's state at the end of `parent`; the block executes into it. */
  readonly state: ChainState;
  readonly parent: Block;
  /** The parent's L1 info (undefined when the parent is genesis). */
  readonly parentInfo: L1BlockInfo | undefined;
  readonly entry: BatchBlock;
  /** The L1 block at `number` as an epoch (reference, `SystemConfig`, deposits), if L1 has it. */
  readonly epochAt: (number: bigint) => Promise<L1Epoch | undefined>;
  /** BLOCKHASH for the 256 blocks before this one. */
  readonly blockHash: (number: bigint) => Hash | undefined;
  /**
   * A development chain (`dev.enabled`, dev nodes only): its dev state edits (system deposits from
   * `DEV_STATE_EDITOR`, applied by an executor wrapped in `withDevStateEdits`) are block content, and its dev methods
   * may set a block's base fee, gas limit and PREVRANDAO, which are then taken from the batch.
   */
  readonly devChain?: boolean;
}

export interface DerivedBlock {
  readonly block: Block;
  readonly receipts: readonly Receipt[];
  readonly info: L1BlockInfo;
}

export async function deriveBlock(parameters: DeriveBlockParameters): Promise<DerivedBlock> {
  const { chain, executor, state, parent, parentInfo, entry } = parameters;
  if (entry.parentHash !== parent.hash) {
    throw new BatchRejectedError("parentMismatch", `block ${entry.number} does not build on ${parent.hash}`, {
      details: `its parent hash is ${entry.parentHash}`,
    });
  }
  if (entry.timestamp <= parent.header.timestamp) {
    throw new BatchRejectedError(
      "parentMismatch",
      `block ${entry.number} has timestamp ${entry.timestamp}, not after its parent's ${parent.header.timestamp}`,
    );
  }
  const expectedOffset = parent.miniBlockOffset + BigInt(parent.miniBlockCount);
  if (entry.miniBlockOffset !== expectedOffset || entry.miniBlockCount < 1) {
    throw new BatchRejectedError(
      "miniBlockSpan",
      `block ${entry.number} spans mini-blocks ${entry.miniBlockOffset}+${entry.miniBlockCount}`,
      { details: `its parent ends before mini-block ${expectedOffset}` },
    );
  }
  const transactions = entry.transactions.map((raw, index) => {
    try {
      return decodeTransaction(raw);
    } catch (error) {
      throw new BatchRejectedError(
        "invalidTransaction",
        `transaction ${index} of block ${entry.number} does not decode`,
        {
          cause: error,
        },
      );
    }
  });

  let info: L1BlockInfo;
  try {
    info = l1BlockInfoOfBlock({ transactions });
  } catch (error) {
    if (!(error instanceof L1BlockInfoError)) throw error;
    throw new BatchRejectedError("blockStart", `block ${entry.number} does not start with its L1 attributes`, {
      cause: error,
    });
  }
  const epoch = info.number === parentInfo?.number ? undefined : await parameters.epochAt(info.number);
  let start: ReturnType<typeof blockStartIn>;
  try {
    start = blockStartIn(parentInfo, info.number, epoch, entry.timestamp, chain.l1StartBlock);
  } catch (error) {
    if (!(error instanceof L1OriginError)) throw error;
    throw new BatchRejectedError("l1Origin", `block ${entry.number}: ${error.shortMessage}`, { cause: error });
  }
  const startCount = start.transactions.length;
  for (const [index, expected] of start.transactions.entries()) {
    const actual = transactions[index];
    if (actual === undefined || !equalBytes(actual.raw, expected.raw)) {
      throw new BatchRejectedError(
        "blockStart",
        `block ${entry.number}: transaction ${index} is not the ${index === 0 ? "L1-attributes deposit" : `deposit ${index - 1} of L1 block ${info.number}`} L1 gives`,
        { details: `expected ${expected.hash}, the batch has ${actual?.hash ?? "nothing"}` },
      );
    }
  }
  const userTransactions = transactions.slice(startCount);
  const deposit = userTransactions.findIndex(
    (tx) => tx.type === 0x7e && !(parameters.devChain === true && isDevStateEditTransaction(tx)),
  );
  if (deposit >= 0) {
    throw new BatchRejectedError(
      "invalidTransaction",
      `block ${entry.number}: transaction ${startCount + deposit} is a deposit that L1 does not give`,
    );
  }

  const ruled = nextBlockEnv(parent, chain, { timestamp: entry.timestamp, coinbase: entry.beneficiary });
  const open = new OpenBlock(
    parameters.devChain === true
      ? { ...ruled, baseFeePerGas: entry.baseFeePerGas, gasLimit: entry.gasLimit, prevRandao: entry.mixHash }
      : ruled,
  );
  const env: BlockEnv = {
    chainId: chain.chainId,
    ...open.env,
    // BLOCKHASH: the 256 blocks before this one, as the sequencer's executor sees them.
    getBlockHash: (number) =>
      number < entry.number && number + 256n >= entry.number ? parameters.blockHash(number) : undefined,
  };
  await executeMiniBlock({ executor, state, open, env, transactions: start.transactions, firstIndex: 0 });
  if (userTransactions.length > 0) {
    await executeMiniBlock({ executor, state, open, env, transactions: userTransactions, firstIndex: startCount });
  }
  const stateRoot = state.pendingStateRoot();
  if (stateRoot !== entry.stateRoot) {
    throw new BatchRejectedError("blockMismatch", `block ${entry.number} re-executes to state root ${stateRoot}`, {
      details: `the batch says ${entry.stateRoot}`,
    });
  }
  const sealed = open.seal(stateRoot);
  if (sealed.hash !== entry.hash) {
    throw new BatchRejectedError("blockMismatch", `block ${entry.number} re-executes to hash ${sealed.hash}`, {
      details: `the batch says ${entry.hash}`,
    });
  }
  state.commitBlock(entry.number);
  // The sequencer's mini-block span (not part of the hash): the next block's span continues from it.
  const block: Block = { ...sealed, miniBlockCount: entry.miniBlockCount, miniBlockOffset: entry.miniBlockOffset };
  return { block, receipts: open.receipts, info: start.info };
}

export interface ExecuteMiniBlockParameters {
  readonly executor: Executor;
  readonly state: ChainState;
  readonly open: OpenBlock;
  readonly env: BlockEnv;
  readonly transactions: readonly Transaction[];
  /** Block-wide index of the first transaction (messages). */
  readonly firstIndex: number;
}

export async function executeMiniBlock(parameters: ExecuteMiniBlockParameters): Promise<void> {
  const { executor, state, open, env, transactions, firstIndex } = parameters;
  const writer = state.beginMiniBlock();
  const receipts: Receipt[] = [];
  let gasUsed = open.gasUsed;
  for (const [index, tx] of transactions.entries()) {
    if (gasUsed + tx.gasLimit > env.gasLimit && tx.type !== 0x7e) {
      throw new BatchRejectedError(
        "invalidTransaction",
        `block ${env.number} exceeds its gas limit at transaction ${firstIndex + index}`,
      );
    }
    try {
      const result = await executor.executeTransaction(writer, tx, env);
      gasUsed += result.gasUsed;
      receipts.push(buildReceipt(result, gasUsed));
    } catch (error) {
      if (!(error instanceof TransactionRejectedError)) throw error;
      throw new BatchRejectedError(
        "invalidTransaction",
        `block ${env.number}: transaction ${firstIndex + index} (${tx.hash}) is invalid here: ${error.shortMessage}`,
        { cause: error },
      );
    }
  }
  open.add(open.buildMiniBlock({ transactions, receipts, stateDiff: state.endMiniBlock(), timestampUs: 0n }));
}
