/**
 * Configuration of the output side of settlement, one section each (node/config.ts composes them):
 *
 *   outputs   which blocks are output blocks and how much proof data a node keeps (every role holding the chain)
 *   proposer  the proposer loop: posts each output as an L1 game, resolves games, claims bonds
 *   attester  the attester loop: checks proposed outputs against the chain this node holds, signs the matching ones
 *
 * Production defaults follow OP Stack values where they exist: op-proposer's 1800-block submission interval (30 min
 * of 1 s Mach blocks). The devnet shortens everything (apps/devnet).
 */
import { z } from "zod";

/** OP mainnet's `SUBMISSION_INTERVAL` (L2 blocks between outputs). */
export const DEFAULT_OUTPUT_INTERVAL_BLOCKS = 1800;
/**
 * Proof data kept for this many newest outputs (besides unresolved ones): viem's `waitToProve` picks any of the 100
 * newest games past a withdrawal, so every one of them must stay provable.
 */
export const DEFAULT_RETAINED_OUTPUT_PROOFS = 128;

export const outputsConfigSchema = z
  .object({
    intervalBlocks: z.number().int().min(1).default(DEFAULT_OUTPUT_INTERVAL_BLOCKS),
    retainProofs: z.number().int().min(1).default(DEFAULT_RETAINED_OUTPUT_PROOFS),
    /** Recent blocks whose output (any block, not only output blocks) stays answerable from RAM. */
    recentBlocks: z.number().int().min(1).default(1024),
  })
  .strict();
export type OutputsConfig = z.output<typeof outputsConfigSchema>;

const retrySchema = {
  retryInitialDelayMs: z.number().int().nonnegative().default(500),
  retryMaxDelayMs: z.number().int().nonnegative().default(30_000),
  retryMultiplier: z.number().min(1).default(2),
};

export const proposerConfigSchema = z
  .object({
    /** Run the proposer loop (needs `settlement` parts `proposer` and `games`: the proposer's key and the factory). */
    enabled: z.boolean().default(false),
    /** How often the loop looks for new outputs and follows its games. */
    pollIntervalMs: z.number().int().positive().default(2_000),
    /** Propose an output only once its block is `safe` (in a batch recorded on L1), as op-proposer does. */
    waitForSafe: z.boolean().default(true),
    ...retrySchema,
  })
  .strict();
export type ProposerConfig = z.output<typeof proposerConfigSchema>;

export const attesterConfigSchema = z
  .object({
    /** Run the attester loop (needs `settlement` parts `games`, `attester` and `attestations`). */
    enabled: z.boolean().default(false),
    pollIntervalMs: z.number().int().positive().default(2_000),
    /** On start, how many of the factory's newest games to look at. */
    lookbackGames: z.number().int().min(1).default(256),
    ...retrySchema,
  })
  .strict();
export type AttesterConfig = z.output<typeof attesterConfigSchema>;

/** Delay before retry number `attempt` (1 = the first retry): exponential, capped. */
export function outputRetryDelayMs(
  config: { retryInitialDelayMs: number; retryMaxDelayMs: number; retryMultiplier: number },
  attempt: number,
): number {
  return Math.min(config.retryMaxDelayMs, config.retryInitialDelayMs * config.retryMultiplier ** (attempt - 1));
}
