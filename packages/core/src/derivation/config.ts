/** The derive role's configuration, each value with its named default. */
import { z } from "zod";

/** How often a caught-up deriver reads the L1 head for new batch records. */
export const DEFAULT_DERIVATION_POLL_MS = 1_000;
/** L1 blocks read per `readBatches` call while catching up (an RPC's `eth_getLogs` range limit stays above it). */
export const DEFAULT_MAX_L1_BLOCKS_PER_READ = 1_000;
/**
 * L1 blocks a batch record stays behind the L1 head before it is derived: as deep as the sequencer takes its L1
 * origins by default (op-node's `--sequencer.l1-confs`), so an L1 reorg the sequencer rides out never touches a
 * derived block.
 */
export const DEFAULT_DERIVATION_L1_CONFIRMATION_DEPTH = 4;
/** Wait before retrying after a transient L1 or DA failure. */
export const DEFAULT_DERIVATION_RETRY_MS = 1_000;

export const derivationConfigSchema = z
  .object({
    /**
     * L1 blocks a batch record stays behind the L1 head before it is derived (an L1 reorg up to this depth never
     * touches a derived block; a deeper one stops derivation, reported). 0: the head itself.
     */
    l1ConfirmationDepth: z.number().int().min(0).max(1_000).default(DEFAULT_DERIVATION_L1_CONFIRMATION_DEPTH),
    pollIntervalMs: z.number().int().min(10).max(600_000).default(DEFAULT_DERIVATION_POLL_MS),
    maxL1BlocksPerRead: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_L1_BLOCKS_PER_READ),
    retryDelayMs: z.number().int().min(1).max(600_000).default(DEFAULT_DERIVATION_RETRY_MS),
    /** A sequencer's JSON-RPC URL: transactions sent to the derive node are forwarded there (refused without it). */
    sequencerRpcUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type DerivationConfig = z.output<typeof derivationConfigSchema>;
