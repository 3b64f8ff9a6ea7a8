/**
 * The DA and settlement providers the `mach` binary links, selected by `da.provider` / `settlement.provider`; each
 * adapter gets the node's child logger and registers its metrics in the node's registry.
 */
import type { DaProviderRegistry } from "@mach/core/da";
import type { NodeProviders } from "@mach/core/node";
import {
  type CelestiaOptionsInput,
  celestiaOptionsSchema,
  createCelestiaClient,
  createCelestiaClientMetrics,
} from "@mach/da-celestia";
import {
  createEigenDaClient,
  createEigenDaClientMetrics,
  type EigenDaOptionsInput,
  eigenDaOptionsSchema,
} from "@mach/da-eigenda";
import { l1SettlementProvider } from "@mach/settlement";

const da: DaProviderRegistry = {
  eigenda: {
    optionsSchema: eigenDaOptionsSchema,
    create: (options, { logger, metrics }) =>
      createEigenDaClient(options as EigenDaOptionsInput, { logger, metrics: createEigenDaClientMetrics(metrics) }),
  },
  celestia: {
    optionsSchema: celestiaOptionsSchema,
    create: (options, { logger, metrics }) =>
      createCelestiaClient(options as CelestiaOptionsInput, { logger, metrics: createCelestiaClientMetrics(metrics) }),
  },
};

export const providers: NodeProviders = { da, settlement: { l1: l1SettlementProvider } };
