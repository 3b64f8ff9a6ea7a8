/**
 * A deposit-only block: what derivation builds on its head for an L1 epoch whose sequencing window passed without an
 * accepted batch starting it (`chain/sequencingWindow.ts`). Nothing comes from a batch: the environment is
 * `forcedBlockEnv` (timestamp max(parent + 1, the origin's), the fee vault as coinbase, the rest by `nextBlockEnv`),
 * the transactions are the epoch's start (`forcedBlockStart`: its L1-attributes deposit and its deposits), executed
 * into one mini-block as the sequencer executes a block start. Deposits are never refused, so the block always builds.
 *
 * On success the block is committed in `state`; the caller undoes its writes (`ChainState.discardOpenBlock`) when
 * anything throws.
 */
import type { L1Epoch } from "../chain/blockStart.ts";
import type { ChainConfig } from "../chain/config.ts";
import type { L1BlockInfo } from "../chain/l1BlockInfo.ts";
import { OpenBlock } from "../chain/openBlock.ts";
import { forcedBlockEnv, forcedBlockStart } from "../chain/sequencingWindow.ts";
import type { Block, Hash } from "../chain/types.ts";
import type { Executor } from "../execution/types.ts";
import type { ChainState } from "../state/chainState.ts";
import { type DerivedBlock, executeMiniBlock } from "./blockDerivation.ts";

export interface DeriveForcedBlockParameters {
  readonly chain: ChainConfig;
  readonly executor: Executor;
  /** The chain's state at the end of `parent`; the block executes into it. */
  readonly state: ChainState;
  readonly parent: Block;
  /** The parent's L1 info (undefined when the parent is genesis). */
  readonly parentInfo: L1BlockInfo | undefined;
  /** The epoch to force: the L1 block after the parent's origin (the chain's L1 start block after genesis). */
  readonly epoch: L1Epoch;
  /** BLOCKHASH for the 256 blocks before this one. */
  readonly blockHash: (number: bigint) => Hash | undefined;
}

export async function deriveForcedBlock(parameters: DeriveForcedBlockParameters): Promise<DerivedBlock> {
  const { chain, executor, state, parent, parentInfo, epoch } = parameters;
  const open = new OpenBlock(forcedBlockEnv(parent, chain, epoch.origin));
  const start = forcedBlockStart(parentInfo, epoch, open.env.timestamp, chain.l1StartBlock);
  const number = open.env.number;
  await executeMiniBlock({
    executor,
    state,
    open,
    env: {
      chainId: chain.chainId,
      ...open.env,
      getBlockHash: (n) => (n < number && n + 256n >= number ? parameters.blockHash(n) : undefined),
    },
    transactions: start.transactions,
    firstIndex: 0,
  });
  const block = open.seal(state.commitBlock(number));
  return { block, receipts: open.receipts, info: start.info };
}
