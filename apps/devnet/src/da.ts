/**
 * The devnet's DA service: the stand-in of the chosen provider as its own process (its package's bin), and the
 * node's `da` config section that points at it. `memory` needs no service: the node keeps batches in RAM.
 */
import { join } from "node:path";
import type { DaProviderName } from "@mach/core/da";
import { type DevnetChild, spawnChild, waitForJsonLine } from "./childProcess.ts";
import type { PortUse } from "./ports.ts";

export type DevnetDaProvider = DaProviderName;

const eigendaBin = new URL("../../../packages/da-eigenda/bin/eigenda-standin.ts", import.meta.url).pathname;
const celestiaBin = new URL("../../../packages/da-celestia/bin/celestia-standin.ts", import.meta.url).pathname;

export interface DaPorts {
  readonly eigendaDisperser: number;
  readonly eigendaRelay: number;
  readonly eigendaProxy: number;
  readonly celestiaRpc: number;
}

/** The stand-in's usual ports, or consecutive ports from `first` (`--da-port`). */
export function devnetDaPorts(first?: number): DaPorts {
  return first === undefined
    ? { eigendaDisperser: 32005, eigendaRelay: 32006, eigendaProxy: 3100, celestiaRpc: 26658 }
    : { eigendaDisperser: first, eigendaRelay: first + 1, eigendaProxy: first + 2, celestiaRpc: first };
}

/** The ports the chosen provider's stand-in binds, for the launcher's check before anything starts. */
export function daPortUses(provider: DevnetDaProvider, ports: DaPorts): PortUse[] {
  const flag = "--da-port";
  if (provider === "eigenda") {
    return [
      { port: ports.eigendaDisperser, flag, what: "EigenDA stand-in disperser (gRPC)" },
      { port: ports.eigendaRelay, flag, what: "EigenDA stand-in relay (gRPC)" },
      { port: ports.eigendaProxy, flag, what: "EigenDA stand-in proxy (REST)" },
    ];
  }
  if (provider === "celestia") return [{ port: ports.celestiaRpc, flag, what: "Celestia stand-in JSON-RPC" }];
  return [];
}

export interface StartedDa {
  readonly child: DevnetChild | undefined;
  /** The node config's `da` section. */
  readonly nodeConfig: { provider: DevnetDaProvider; options?: Record<string, unknown> };
  /** What `.devnet/devnet.json` lists under `da`. */
  readonly endpoints: Record<string, unknown>;
}

export interface StartDaParameters {
  readonly dataDir: string;
  readonly logDir: string;
  readonly ports: DaPorts;
  readonly signerKey: `0x${string}`;
  /**
   * EigenDA: points of the insecure dev SRS (default 4,096: 128 KiB blobs; generating them takes ~3.5 s, cached in
   * `eigendaSrsCacheDir`). Fewer make smaller blobs and a faster first start (tests).
   */
  readonly eigendaSrsPoints?: number;
  /**
   * EigenDA: where the generated dev SRS is kept (default: the stand-in's data dir). The devnet keeps it beside its
   * wiped `data/`, so only the first start pays for it.
   */
  readonly eigendaSrsCacheDir?: string;
  /** Called with the stand-in's process as soon as it is spawned, before it is ready: a caller that stops on failure stops it too. */
  readonly onChild?: (child: DevnetChild) => void;
}

export async function startDa(
  provider: DevnetDaProvider,
  { dataDir, logDir, ports, signerKey, eigendaSrsPoints, eigendaSrsCacheDir, onChild }: StartDaParameters,
): Promise<StartedDa> {
  if (provider === "memory") {
    return { child: undefined, nodeConfig: { provider: "memory" }, endpoints: { provider: "memory" } };
  }
  if (provider === "eigenda") {
    const standInDir = join(dataDir, "eigenda");
    const srsPoints = eigendaSrsPoints ?? 4096;
    const srsCacheDir = eigendaSrsCacheDir ?? standInDir;
    const child = spawnChild({
      name: "EigenDA stand-in",
      command: process.execPath,
      args: [
        eigendaBin,
        "--data-dir",
        standInDir,
        "--port",
        String(ports.eigendaDisperser),
        "--relay-port",
        String(ports.eigendaRelay),
        "--proxy-port",
        String(ports.eigendaProxy),
        "--status-interval-ms",
        "250",
        "--srs-points",
        String(srsPoints),
        "--srs-cache-dir",
        srsCacheDir,
      ],
      logFile: join(logDir, "eigenda.log"),
    });
    onChild?.(child);
    const ready = await waitForJsonLine(
      child,
      (entry) => typeof entry.disperser === "string" && typeof entry.srsPath === "string",
      120_000,
    );
    return {
      child,
      nodeConfig: {
        provider: "eigenda",
        options: {
          disperser: ready.disperser,
          relays: { "0": ready.relay },
          signerPrivateKey: signerKey,
          // Where the stand-in says its SRS is: the client must commit with the same points.
          srs: { format: "mach", path: ready.srsPath },
          statusPollIntervalMs: 250,
          certificateTimeoutMs: 60_000,
        },
      },
      endpoints: {
        provider: "eigenda",
        eigenda: { disperserUrl: ready.disperser, relayUrl: ready.relay, proxyUrl: ready.proxy, insecureDevSrs: true },
      },
    };
  }
  const child = spawnChild({
    name: "Celestia stand-in",
    command: process.execPath,
    args: [
      celestiaBin,
      "--data-dir",
      join(dataDir, "celestia"),
      "--port",
      String(ports.celestiaRpc),
      "--block-time-ms",
      "1000",
    ],
    logFile: join(logDir, "celestia.log"),
  });
  onChild?.(child);
  const ready = await waitForJsonLine(child, (entry) => typeof entry.rpcUrl === "string", 60_000);
  return {
    child,
    nodeConfig: {
      provider: "celestia",
      // The batcher retries on its own; one attempt per call keeps the two backoffs from stacking.
      options: { rpcUrl: ready.rpcUrl, authToken: ready.authToken, namespace: "0x6d616368", retry: { attempts: 1 } },
    },
    endpoints: { provider: "celestia", celestia: { rpcUrl: ready.rpcUrl, authToken: ready.authToken } },
  };
}
