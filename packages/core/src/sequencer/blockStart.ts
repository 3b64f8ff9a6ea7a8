/**
 * Starting a block: the first mini-block of every block holds exactly the transactions `chain/blockStart.ts` says a
 * block starts with (the L1-attributes deposit, then on a new epoch the origin's deposits), executed before any user
 * transaction. Deposits are never refused: one that cannot run is included as a failed deposit by the executor.
 *
 *   L1Origins.nextEpoch ─► chooseBlockStart (chain/) ─► executeBlockStart ─► mini-block 0 ─► store, event
 *
 * Block 1 cannot start before L1 gives its start block: until then the sequencer produces nothing (the
 * `epochReady` event starts it).
 */
import type { BlockStart } from "../chain/blockStart.ts";
import type { MiniBlock } from "../chain/miniBlock.ts";
import type { OpenBlock } from "../chain/openBlock.ts";
import { buildReceipt } from "../chain/receipt.ts";
import type { Receipt } from "../chain/types.ts";
import type { BlockEnv, Executor } from "../execution/types.ts";
import type { SequencerState } from "./ports.ts";

export interface ExecuteBlockStartParameters {
  readonly start: BlockStart;
  readonly open: OpenBlock;
  readonly env: BlockEnv;
  readonly executor: Executor;
  readonly state: SequencerState;
  /** Creation time of the mini-block, Unix microseconds. */
  readonly timestampUs: bigint;
}

/** Executes the block's start transactions into its first mini-block (not yet logged or added). */
export async function executeBlockStart({
  start,
  open,
  env,
  executor,
  state,
  timestampUs,
}: ExecuteBlockStartParameters): Promise<MiniBlock> {
  if (open.miniBlocks.length !== 0) throw new Error(`block ${open.number} has already started`);
  const writer = state.beginMiniBlock();
  const receipts: Receipt[] = [];
  let gasUsed = 0n;
  // An error here stops the sequencer (deposits are never refused), as a failing store does.
  for (const tx of start.transactions) {
    const result = await executor.executeTransaction(writer, tx, env);
    gasUsed += result.gasUsed;
    receipts.push(buildReceipt(result, gasUsed));
  }
  const stateDiff = state.endMiniBlock();
  return open.buildMiniBlock({ transactions: start.transactions, receipts, stateDiff, timestampUs });
}
