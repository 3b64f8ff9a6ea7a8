/**
 * `startNode`: the composition root of one process. Parses nothing (the config arrives parsed), opens the chain
 * (genesis or restart), creates the configured DA and settlement providers, wires the role `node.role` names
 * (`roles/<role>.ts`), then serves its backend over JSON-RPC (HTTP + WS) and its metrics. `close()` stops
 * everything in reverse order.
 */

import type { Block } from "../chain/types.ts";
import type { DataAvailability } from "../da/types.ts";
import { type RpcServer, startRpcServer } from "../rpc/server.ts";
import type { Settlement } from "../settlement/ports.ts";
import type { LmdbChainStore } from "../state/store/lmdbStore.ts";
import { configureTrieHashing } from "../state/trie/keccakBatch.ts";
import type { Logger } from "../telemetry.ts";
import { openChain } from "./chainSetup.ts";
import { daProvidersOf, type NodeConfig, type NodeProviders } from "./config.ts";
import type { DevAccount } from "./genesis.ts";
import { createLogger } from "./logger.ts";
import { createMetricsRegistry, rpcMetrics, startMetricsServer } from "./metrics.ts";
import type { BoundEndpoints } from "./restart.ts";
import { type RunningDerive, startDeriveRole } from "./roles/derive.ts";
import { type RunningProver, startProverRole } from "./roles/prover.ts";
import { type RunningReplica, startReplicaRole } from "./roles/replica.ts";
import { type RunningSequencer, startSequencerRole } from "./roles/sequencer.ts";

export interface StartNodeParameters {
  readonly config: NodeConfig;
  /** The DA and settlement providers this binary links (validated against the config already). */
  readonly providers: NodeProviders;
  readonly logger?: Logger;
}

export interface MachNode {
  readonly role: NodeConfig["node"]["role"];
  /** Absent for a role that holds no chain to read (a prover). */
  readonly rpcUrl: string | undefined;
  readonly wsUrl: string | undefined;
  readonly metricsUrl: string | undefined;
  readonly chainId: bigint;
  readonly genesis: Block;
  readonly devAccounts: readonly DevAccount[];
  readonly store: LmdbChainStore;
  /** The running role's parts (`role` tells which: the sequencer's `sequencer`, `batcher`; the replica's `replica`). */
  readonly running: RunningSequencer | RunningReplica | RunningProver | RunningDerive;
  /** Resolves with the error that stopped the role for good; never resolves while it runs. */
  readonly fatal: Promise<Error>;
  /** The endpoints it bound (a restart in the same process takes them again: `restart.ts`). */
  endpoints(): BoundEndpoints;
  close(): Promise<void>;
}

export async function startNode({ config, providers, logger: given }: StartNodeParameters): Promise<MachNode> {
  const logger = given ?? createLogger(config.log.level);
  const log = logger.child({ module: "node" });
  configureTrieHashing(config.trieHashing);
  const { registry, factory: metrics } = createMetricsRegistry();
  const chain = await openChain(config, log);

  const cleanups: (() => Promise<void>)[] = [() => chain.store.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const daEntry = daProvidersOf(providers)[config.da.provider];
    if (!daEntry) throw new Error(`DA provider ${config.da.provider} is not linked into this binary`);
    const da: DataAvailability = await daEntry.create(config.da.options ?? {}, {
      logger: logger.child({ module: "da", provider: config.da.provider }),
      metrics,
    });
    cleanups.push(() => da.close());
    let settlement: Settlement | undefined;
    if (config.settlement.provider !== "none") {
      const entry = providers.settlement[config.settlement.provider];
      if (!entry) throw new Error(`settlement provider ${config.settlement.provider} is not linked into this binary`);
      settlement = await entry.create(config.settlement.options ?? {}, {
        logger: logger.child({ module: "settlement" }),
        metrics,
        l2ChainId: config.chain.chainId,
      });
      const opened = settlement;
      cleanups.push(() => opened.close());
    }

    const context = { config, logger, metrics, chain, da, settlement };
    const running =
      config.node.role === "replica"
        ? await startReplicaRole(context)
        : config.node.role === "prover"
          ? await startProverRole(context)
          : config.node.role === "derive"
            ? await startDeriveRole(context)
            : await startSequencerRole(context);
    // Cleanups run in reverse: the role stops after the RPC server (no new work), before settlement, DA and the store.
    cleanups.push(() => running.stop());
    const rpc: RpcServer | undefined =
      running.backend === undefined
        ? undefined
        : await startRpcServer({
            backend: running.backend,
            ...(running.methods === undefined ? {} : { methods: running.methods }),
            host: config.rpc.host,
            port: config.rpc.port,
            limits: config.rpc.limits,
            logger: logger.child({ module: "rpc" }),
            metrics: rpcMetrics(metrics),
            status: running.status,
            ...(config.rpc.dashboardDir === undefined ? {} : { staticDir: config.rpc.dashboardDir }),
          });
    if (rpc) cleanups.push(() => rpc.close());
    const metricsServer = config.metrics.enabled
      ? await startMetricsServer(registry, config.metrics.host, config.metrics.port)
      : undefined;
    if (metricsServer) cleanups.push(() => metricsServer.close());
    running.start();
    log.info(
      {
        role: config.node.role,
        ...(rpc ? { rpcUrl: rpc.url, wsUrl: rpc.wsUrl } : {}),
        ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
        ...("address" in running ? { address: running.address } : {}),
        chainId: config.chain.chainId.toString(),
      },
      "node started",
    );

    let closing: Promise<void> | undefined;
    return {
      role: config.node.role,
      rpcUrl: rpc?.url,
      wsUrl: rpc?.wsUrl,
      metricsUrl: metricsServer?.url,
      chainId: config.chain.chainId,
      genesis: chain.genesis,
      devAccounts: chain.devAccounts,
      store: chain.store,
      running,
      fatal: running.fatal,
      endpoints: () => ({
        rpcUrl: rpc?.url,
        metricsUrl: metricsServer?.url,
        p2pAddresses: "network" in running && running.network !== undefined ? running.network.node.multiaddrs() : [],
      }),
      close() {
        closing ??= closeAll().then(() => log.info({}, "node stopped"));
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
