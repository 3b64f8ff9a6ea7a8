/** The replica role's configuration, each value with its named default. */
import { z } from "zod";

/** How long a forwarded transaction send may take at the sequencer (a sync send adds its own timeout). */
export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
/**
 * After the sequencer answers a synchronous send, how long the replica waits to have applied the mini-block carrying
 * it (so a client reads its own write from this replica right away); the sequencer's answer is returned either way.
 */
export const DEFAULT_READ_YOUR_WRITE_MS = 2_000;

export const replicaConfigSchema = z
  .object({
    /** The sequencer's JSON-RPC URL: transactions sent to this replica are forwarded there. */
    sequencerRpcUrl: z.url({ protocol: /^https?$/ }).optional(),
    forwardTimeoutMs: z.number().int().positive().default(DEFAULT_FORWARD_TIMEOUT_MS),
    readYourWriteMs: z.number().int().nonnegative().default(DEFAULT_READ_YOUR_WRITE_MS),
  })
  .strict();
export type ReplicaConfig = z.output<typeof replicaConfigSchema>;
