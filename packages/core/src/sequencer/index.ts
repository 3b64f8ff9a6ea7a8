/**
 * sequencer/: orders and executes transactions, seals mini-blocks (logged before anyone hears of them) and blocks.
 *
 *   types.ts      SequencerEvents: what it emits
 *   config.ts     the sequencer's config schema with named defaults
 *   ports.ts      TxSource (the pool) and SequencerState (the chain's state: writer, diffs, root)
 *   sequencer.ts  the loop: pool → executor → chain/'s OpenBlock (mini-block) → store (durable) → event; every
 *                 blockMs chain/'s seal → store → event
 */

export { type SequencerConfig, sequencerConfigSchema } from "./config.ts";
export type { SequencerState, TxSource } from "./ports.ts";
export { Sequencer, type SequencerMetrics, type SequencerOptions } from "./sequencer.ts";
export type { SequencerEvents } from "./types.ts";
