/**
 * A Mach sequencer node as a child process (`<MACH_CLI> node --config …`, as the devnet's end-to-end tests start
 * it): free port, temp data directory, the bench world as genesis `alloc`, the bench block gas limit and base fee,
 * logging at `info`, metrics off. `cpuProfDir` runs it under `--cpu-prof` (the profile is written when it exits on
 * SIGTERM).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MACH_CLI } from "@mach/node";
import type { Alloc } from "../workloads/world.ts";
import { BENCH_BASE_FEE_PER_GAS, BENCH_BLOCK_GAS_LIMIT, BENCH_CHAIN_ID } from "../workloads/world.ts";
import { type RunningNode, spawnUntilReady } from "./process.ts";

/** `close()` stops the node (SIGTERM) and removes its data directory. */
export interface MachNode extends RunningNode {
  /** When metrics are enabled in `config`. */
  readonly metricsUrl?: string;
  /** Its libp2p addresses (`/p2p/<id>` included), when `p2p.enabled`. */
  readonly p2pAddresses?: readonly string[];
}

export interface StartMachNodeParameters {
  readonly alloc: Alloc;
  readonly cpuProfDir?: string;
  readonly logLevel?: string;
  /** Every line the node logs (JSON), as it comes, for as long as the node runs. */
  readonly onLogLine?: (line: string) => void;
  readonly config?: Record<string, unknown>;
}

export async function startMachNode(parameters: StartMachNodeParameters): Promise<MachNode> {
  const dataDir = mkdtempSync(join(tmpdir(), "mach-bench-"));
  const config = {
    chain: {
      chainId: BENCH_CHAIN_ID.toString(),
      blockGasLimit: BENCH_BLOCK_GAS_LIMIT.toString(),
      initialBaseFeePerGas: BENCH_BASE_FEE_PER_GAS.toString(),
    },
    rpc: { host: "127.0.0.1", port: 0 },
    metrics: { enabled: false },
    store: { path: join(dataDir, "node") },
    // "node started" (the endpoints) is logged at info.
    log: { level: parameters.logLevel ?? "info" },
    genesis: { accountCount: 0, alloc: parameters.alloc },
    ...parameters.config,
  };
  const configPath = join(dataDir, "config.json");
  writeFileSync(configPath, JSON.stringify(config));
  const execArgv = parameters.cpuProfDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", parameters.cpuProfDir];
  try {
    let p2pAddresses: string[] | undefined;
    const { process: child, ready } = await spawnUntilReady({
      name: "mach node",
      command: process.execPath,
      args: [...execArgv, MACH_CLI, "node", "--config", configPath],
      timeoutMs: 120_000,
      ready(line) {
        parameters.onLogLine?.(line);
        if (line.includes('"p2p started"')) p2pAddresses = (JSON.parse(line) as { addresses: string[] }).addresses;
        if (!line.includes('"node started"')) return undefined;
        const entry = JSON.parse(line) as { rpcUrl: string; wsUrl: string; metricsUrl?: string };
        return {
          rpcUrl: entry.rpcUrl,
          wsUrl: entry.wsUrl,
          ...(entry.metricsUrl === undefined ? {} : { metricsUrl: entry.metricsUrl }),
          ...(p2pAddresses === undefined ? {} : { p2pAddresses }),
        };
      },
    });
    return {
      ...ready,
      process: child,
      async close() {
        await child.stop("SIGTERM", 30_000);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
