/**
 * sequencer/: orders and executes transactions, seals mini-blocks (logged before anyone hears of them) and blocks.
 *
 *   types.ts      SequencerEvents: what it emits
 *   config.ts     the sequencer's config schema with named defaults
 *   ports.ts      TxSource (the pool), SequencerState (the chain's state: writer, diffs, root), L1EpochSource
 *                 (what it reads of L1) and L1Origins (where blocks' L1 origins come from)
 *   l1Origins.ts  L1EpochFollower (follows L1 a confirmation depth behind its head, prefetches the next epoch,
 *                 says when the sequencing window makes it catch up, stops on a deeper reorg or, censoring under
 *                 the test fault, a passed window) and withoutL1() (one fixed epoch)
 *   blockStart.ts a block's first mini-block: chain/'s block start (attributes deposit, the epoch's deposits)
 *   sequencer.ts  the loop: block start → pool → executor → chain/'s OpenBlock (mini-block) → store (durable) →
 *                 event; every blockMs chain/'s seal → store → event; while catching up with L1, deposit-only
 *                 blocks (chain/sequencingWindow.ts) and nothing else
 */

export { type ExecuteBlockStartParameters, executeBlockStart } from "./blockStart.ts";
export { DEFAULT_L1_CONFIRMATION_DEPTH, type SequencerConfig, sequencerConfigSchema } from "./config.ts";
export {
  L1EpochFollower,
  type L1EpochFollowerOptions,
  L1ReorgTooDeepError,
  SequencingWindowPassedError,
  withoutL1,
} from "./l1Origins.ts";
export type { L1EpochSource, L1Origins, L1OriginsListener, SequencerState, TxSource } from "./ports.ts";
export { Sequencer, type SequencerMetrics, type SequencerOptions } from "./sequencer.ts";
export type { SequencerEvents } from "./types.ts";
