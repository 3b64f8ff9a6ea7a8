/** The `witness` config section: whether the sequencer builds block witnesses, and how many it keeps. */
import { z } from "zod";

/** Witnesses kept (newest blocks): provers fetch a block's witness within seconds, a lagging one within minutes. */
export const DEFAULT_WITNESS_KEEP_BLOCKS = 256;

export const witnessConfigSchema = z
  .object({
    /**
     * Record what each block touches and build its witness at seal (costs the sequencer a multiproof per block and a
     * set insert per state access). Provers need it; off by default.
     */
    enabled: z.boolean().default(false),
    keepBlocks: z.number().int().positive().default(DEFAULT_WITNESS_KEEP_BLOCKS),
  })
  .strict();
export type WitnessConfig = z.output<typeof witnessConfigSchema>;
