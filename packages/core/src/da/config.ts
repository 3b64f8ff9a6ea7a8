/**
 * DA configuration: which provider (`da.provider`, validated by the provider's own options schema) and the
 * batcher's policy (`batcher`: one schema, one set of defaults). Core links no adapter: the composition root passes
 * a `DaProviderRegistry` of the providers its binary links; `memoryDaProvider` is core's own.
 */
import { z } from "zod";
import type { Logger, MetricsFactory } from "../telemetry.ts";
import { batcherPolicySchema } from "./batcherPolicy.ts";
import { createMemoryDa } from "./memory.ts";
import type { DataAvailability } from "./types.ts";

export const daConfigSchema = z
  .object({
    provider: z.string().default("memory"),
    options: z.unknown().optional(),
  })
  .strict();
export type DaConfig = z.output<typeof daConfigSchema>;

export const batcherConfigSchema = batcherPolicySchema
  .extend({
    /** Post sealed blocks to DA (and record them on L1 when settlement is configured). */
    enabled: z.boolean().default(true),
  })
  .strict();
export type BatcherConfig = z.output<typeof batcherConfigSchema>;

/** What a provider's factory gets besides its options: a child logger and the node's metrics registry. */
export interface DaProviderContext {
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
}

/**
 * A DA provider the composition root links in: its options schema (validated with the node config) and a factory
 * that takes the raw options and parses them with that schema itself.
 */
export interface DaProviderEntry {
  readonly optionsSchema: z.ZodType;
  readonly create: (options: unknown, context: DaProviderContext) => Promise<DataAvailability> | DataAvailability;
}
export type DaProviderRegistry = Readonly<Record<string, DaProviderEntry>>;

const memoryDaOptionsSchema = z
  .object({
    maxBlobBytes: z.number().int().positive().optional(),
    confirmationDelayMs: z.number().int().nonnegative().default(0),
  })
  .strict();

/** The in-memory DA provider (tests, and a devnet without a DA service). */
export const memoryDaProvider: DaProviderEntry = {
  optionsSchema: memoryDaOptionsSchema,
  create: (input) => {
    const options = memoryDaOptionsSchema.parse(input);
    return createMemoryDa({
      confirmationDelayMs: options.confirmationDelayMs,
      ...(options.maxBlobBytes !== undefined ? { maxBlobBytes: options.maxBlobBytes } : {}),
    });
  },
};
