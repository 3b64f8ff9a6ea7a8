/** The replica role's configuration, each value with its named default. */
import { z } from "zod";

/** How long a forwarded transaction send may take at the sequencer (a sync send adds its own timeout). */
export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
/**
 * After the sequencer answers a synchronous send, how long the replica waits to have applied the mini-block carrying
 * it (so a client reads its own write from this replica right away); the sequencer's answer is returned either way.
 */
export const DEFAULT_READ_YOUR_WRITE_MS = 2_000;

/**
 * How long the replica may make no progress while peers announce newer mini-blocks before it derives the blocks it
 * needs from L1 + DA (no peer serves them: logs are pruned behind snapshots), or says it is stuck without L1 + DA.
 */
export const DEFAULT_STALLED_MS = 15_000;
/** Times in a row peers serve the same block whose diffs miss its header before the replica derives it instead. */
export const DEFAULT_REFUSALS_BEFORE_DERIVATION = 3;

export const replicaConfigSchema = z
  .object({
    /** The sequencer's JSON-RPC URL: transactions sent to this replica are forwarded there. */
    sequencerRpcUrl: z.url({ protocol: /^https?$/ }).optional(),
    forwardTimeoutMs: z.number().int().positive().default(DEFAULT_FORWARD_TIMEOUT_MS),
    readYourWriteMs: z.number().int().nonnegative().default(DEFAULT_READ_YOUR_WRITE_MS),
    /**
     * Catching up from L1 + DA (the `settlement` and `da` sections, as a derive node reads them, and `derivation`'s
     * polling and confirmation depth) when peers do not serve what the replica needs: after this long without progress.
     */
    stalledMs: z.number().int().min(100).max(3_600_000).default(DEFAULT_STALLED_MS),
    refusalsBeforeDerivation: z.number().int().min(1).max(1_000).default(DEFAULT_REFUSALS_BEFORE_DERIVATION),
  })
  .strict();
export type ReplicaConfig = z.output<typeof replicaConfigSchema>;
