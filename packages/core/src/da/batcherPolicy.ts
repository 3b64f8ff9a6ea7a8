/**
 * The batcher's policy: when a run of sealed blocks becomes a batch, how many batches may be in flight at once, how
 * much the batcher may hold in memory, and how failed submissions are retried. The batcher closes a batch when it
 * holds `maxBlocksPerBatch` blocks, when the next block would take the uncompressed body past `maxBatchBytes`, or
 * when its oldest block has waited `maxBatchAgeMs`, whichever comes first; it submits it as soon as fewer than
 * `maxInFlightBatches` are in flight. At `maxPendingBytes` (or with every slot taken and the open batch full) it
 * stops reading sealed blocks: they wait in the store, not in memory (back-pressure).
 */
import { z } from "zod";
import { MAX_BATCH_UNCOMPRESSED_BYTES } from "./batch.ts";

export const batcherPolicySchema = z.object({
  maxBlocksPerBatch: z.number().int().min(1).default(600),
  /** Uncompressed body bytes; a single block larger than this still forms a batch of its own. */
  maxBatchBytes: z
    .number()
    .int()
    .min(1024)
    .max(MAX_BATCH_UNCOMPRESSED_BYTES)
    .default(4 * 1024 * 1024),
  maxBatchAgeMs: z.number().int().nonnegative().default(10_000),
  /**
   * Batches submitted to DA and not finished yet (confirmed, and recorded on L1 when a recorder is configured).
   * Confirmations may come back in any order; L1 records them in block order regardless.
   */
  maxInFlightBatches: z.number().int().min(1).max(64).default(4),
  /**
   * Bound on what the batcher holds in memory: the open batch's blocks (uncompressed body bytes) plus the encoded
   * frames of in-flight batches (kept until confirmed, for resubmission). At the bound it stops reading new blocks.
   */
  maxPendingBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(32 * 1024 * 1024),
  /** How often the loop looks for new sealed blocks when it has nothing to do. */
  pollIntervalMs: z.number().int().positive().default(250),
  /** Bound on one `wait` for DA confirmation; a timeout counts as a transient failure (the frame is resubmitted). */
  confirmTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  retryInitialDelayMs: z.number().int().nonnegative().default(500),
  retryMaxDelayMs: z.number().int().nonnegative().default(30_000),
  retryMultiplier: z.number().min(1).default(2),
  /** Transient failures tolerated per frame (or L1 recording) before the batcher halts; unlimited when absent. */
  retryMaxAttempts: z.number().int().positive().optional(),
  compression: z.enum(["none", "brotli", "zstd"]).default("zstd"),
  /** brotli quality 0–11, zstd level 1–22. */
  compressionLevel: z.number().int().min(0).max(22).default(3),
});

export type BatcherPolicy = z.output<typeof batcherPolicySchema>;
export type BatcherPolicyInput = z.input<typeof batcherPolicySchema>;

/** Delay before retry number `attempt` (1 = the first retry): exponential, capped. */
export function retryDelayMs(policy: BatcherPolicy, attempt: number): number {
  return Math.min(policy.retryMaxDelayMs, policy.retryInitialDelayMs * policy.retryMultiplier ** (attempt - 1));
}
