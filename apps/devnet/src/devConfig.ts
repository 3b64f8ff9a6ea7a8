/**
 * The node config of `pnpm devnet --dev`: the L2 node alone (no L1, DA service, batcher or settlement), dev methods
 * in `standalone` mode, automine on and interval mining off (anvil's defaults), and state history kept for the whole
 * session so snapshots and reset reach back to genesis.
 */
export interface DevNodeConfigParameters {
  readonly chainId: number;
  readonly port: number;
  readonly host?: string;
  readonly storePath?: string;
  readonly metricsPort?: number;
  readonly dashboardDir?: string;
  readonly accountCount?: number;
  /** Build-artifact directories whose contracts the dashboard names (`status.artifacts`). */
  readonly artifactDirs?: readonly string[];
}

/** Blocks of state history a dev session keeps (snapshots and reset reach back this far). */
export const DEV_HISTORY_BLOCKS = 10_000_000;

export function devNodeConfig(parameters: DevNodeConfigParameters): Record<string, unknown> {
  return {
    chain: { chainId: String(parameters.chainId) },
    rpc: {
      host: parameters.host ?? "127.0.0.1",
      port: parameters.port,
      ...(parameters.dashboardDir === undefined ? {} : { dashboardDir: parameters.dashboardDir }),
    },
    metrics:
      parameters.metricsPort === undefined
        ? { enabled: false }
        : { enabled: true, host: parameters.host ?? "127.0.0.1", port: parameters.metricsPort },
    store: {
      ...(parameters.storePath === undefined ? {} : { path: parameters.storePath }),
      historyBlocks: DEV_HISTORY_BLOCKS,
    },
    ...(parameters.accountCount === undefined ? {} : { genesis: { accountCount: parameters.accountCount } }),
    batcher: { enabled: false },
    da: { provider: "memory" },
    settlement: { provider: "none" },
    dev: { enabled: true, mode: "standalone", automine: true, intervalMining: false },
    ...(parameters.artifactDirs === undefined ? {} : { status: { artifacts: parameters.artifactDirs } }),
  };
}
