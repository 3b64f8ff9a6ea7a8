/**
 * The read workers a role serves calls from (`rpc.reads`): threads that restore from the node's store and follow the
 * live chain by the mini-blocks and blocks the role emits, so a call never runs on the loop that advances the chain.
 * Undefined when `rpc.reads.workers` is 0 (calls run on the role's own thread).
 */
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { Block } from "../chain/types.ts";
import { ReadWorkerPool } from "../rpc/reads/readWorkerPool.ts";
import type { ChainState } from "../state/chainState.ts";
import type { Logger } from "../telemetry.ts";
import type { NodeConfig } from "./config.ts";

/** What the workers follow: a sequencer or a replica. */
export interface LiveChainEvents {
  on(event: "miniBlock", listener: (miniBlock: MiniBlock) => void): unknown;
  on(event: "block", listener: (block: Block) => void): unknown;
}

export async function startReadWorkers(parameters: {
  readonly config: NodeConfig;
  readonly state: ChainState;
  readonly chain: LiveChainEvents;
  readonly logger: Logger;
  /** Dev chains: replays apply dev state edits. */
  readonly devStateEdits?: boolean;
  /**
   * Whether the workers follow a block by its mini-blocks (default: all). The others came without mini-blocks (a
   * replica's blocks derived from L1 + DA): the workers skip them and are resynced from the store afterwards.
   */
  readonly followsBlock?: (block: Block) => boolean;
}): Promise<ReadWorkerPool | undefined> {
  const { config, state, chain, logger } = parameters;
  if (config.rpc.reads.workers === 0) return undefined;
  const reads = new ReadWorkerPool({
    storePath: config.store.path,
    chainId: config.chain.chainId,
    engine: config.execution.engine,
    devStateEdits: parameters.devStateEdits ?? false,
    historyBlocks: config.store.historyBlocks,
    historyOf: (from, through) => state.history.preValuesOf(from, through),
    workers: config.rpc.reads.workers,
    niceness: config.rpc.reads.niceness,
    logger: logger.child({ module: "reads" }),
  });
  chain.on("miniBlock", (miniBlock) => reads.onMiniBlock(miniBlock));
  const follows = parameters.followsBlock;
  chain.on("block", (block) => {
    if (follows === undefined || follows(block)) reads.onBlock(block);
  });
  await reads.ready;
  return reads;
}
