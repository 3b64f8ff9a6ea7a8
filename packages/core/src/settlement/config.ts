/**
 * Settlement configuration: which L1 the node talks to (`settlement.provider`, validated by the provider's own
 * options schema), chosen like the DA provider. `none`: no L1 (batches stop at "confirmed on DA", `safe` and
 * `finalized` stay at genesis). Core links no L1 client: the composition root passes the providers its binary links
 * (`@mach/settlement` provides `l1`).
 */
import { z } from "zod";
import type { Logger, MetricsFactory } from "../telemetry.ts";
import type { Settlement } from "./ports.ts";

export const settlementConfigSchema = z
  .object({
    provider: z.string().default("none"),
    options: z.unknown().optional(),
  })
  .strict();
export type SettlementConfig = z.output<typeof settlementConfigSchema>;

export interface SettlementProviderContext {
  readonly logger: Logger;
  readonly metrics: MetricsFactory;
  /** The L2 chain id (attestations and deposits are bound to it). */
  readonly l2ChainId: bigint;
}

export interface SettlementProviderEntry {
  readonly optionsSchema: z.ZodType;
  readonly create: (options: unknown, context: SettlementProviderContext) => Promise<Settlement> | Settlement;
}
export type SettlementProviderRegistry = Readonly<Record<string, SettlementProviderEntry>>;
