/**
 * sequencer/: orders and executes transactions, seals mini-blocks (logged before anyone hears of them) and blocks.
 *
 *   types.ts      MiniBlock, SequencerEvents: what it produces
 *   config.ts     chain and sequencer config schemas with named defaults
 *   ports.ts      TxSource (the pool) and SequencerState (world state + diff recorder + root)
 *   openBlock.ts  the block being built: mini-blocks, running gas/tx/log counters, tx locations
 *   sequencer.ts  the loop: pool → executor → mini-block → store (durable) → event; every blockMs a block
 */

export type { MiniBlock } from "../chain/miniBlock.ts";
export { OpenBlock, type OpenBlockEnv, type PendingTxLocation } from "../chain/openBlock.ts";
export {
  type ChainConfig,
  chainConfigSchema,
  DEFAULT_BLOCK_GAS_LIMIT,
  DEFAULT_CHAIN_ID,
  type SequencerConfig,
  sequencerConfigSchema,
} from "./config.ts";
export type { SequencerState, TxSource } from "./ports.ts";
export { Sequencer, type SequencerLogger, type SequencerMetrics, type SequencerOptions } from "./sequencer.ts";
export type { SequencerEvents } from "./types.ts";
