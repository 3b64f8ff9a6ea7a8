/** The DA providers the `mach` binary links, selected by `da.provider` in the node config. */

import { type DaProviderEntry, type DaProviderRegistry, memoryDaProvider } from "@mach/core";
import { celestiaOptionsSchema, createCelestiaClient } from "@mach/da-celestia";
import { createEigenDaClient, eigenDaOptionsSchema } from "@mach/da-eigenda";

export const daProviders: DaProviderRegistry = {
  memory: memoryDaProvider as DaProviderEntry<never>,
  eigenda: { optionsSchema: eigenDaOptionsSchema, create: createEigenDaClient } as DaProviderEntry<never>,
  celestia: { optionsSchema: celestiaOptionsSchema, create: createCelestiaClient } as DaProviderEntry<never>,
};
