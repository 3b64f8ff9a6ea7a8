#!/usr/bin/env node
/**
 * `mach`: the node CLI. `mach node --config <file>` starts a node in the role its config names (`node.role`) with
 * the DA providers (memory, EigenDA, Celestia) and settlement providers (l1) this binary links. Exits 2 with a
 * message naming the bad key on invalid config, 1 when the node stops on an unrecoverable error.
 */
import { parseArgs } from "node:util";
import { InvalidConfigError, loadNodeConfig, restartConfigAfter, startNode } from "@mach/core/node";
import { providers } from "./providers.ts";

const USAGE = `usage: mach node [--config <file.json>]

Environment overrides: MACH_ROLE, MACH_RPC_HOST, MACH_RPC_PORT, MACH_METRICS_PORT, MACH_DATA_DIR, MACH_CHAIN_ID,
MACH_MINI_BLOCK_MS, MACH_BLOCK_MS, MACH_DA_PROVIDER, MACH_LOG_LEVEL, MACH_SENDER_RECOVERY_WORKERS`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "node") {
    process.stderr.write(`${USAGE}\n`);
    return command === "--help" || command === "-h" ? 0 : 2;
  }
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...rest],
      options: { config: { type: "string", short: "c" } },
      strict: true,
    });
    configPath = values.config;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let config: ReturnType<typeof loadNodeConfig>;
  try {
    config = loadNodeConfig(configPath, providers);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  let node: Awaited<ReturnType<typeof startNode>>;
  try {
    node = await startNode({ config, providers });
  } catch (error) {
    // Some sections are checked when their module loads (the p2p options): still a config error, exit 2.
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const signalled = new Promise<"signal">((resolve) => {
    const stop = () => resolve("signal");
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  for (;;) {
    const outcome = await Promise.race([signalled, node.fatal]);
    const endpoints = node.endpoints();
    await node.close();
    if (outcome === "signal") return 0;
    // A sequencer whose newest blocks derivation replaces starts again here, on the same endpoints (`restart.ts`).
    const again = restartConfigAfter(outcome, config, endpoints);
    if (again === undefined) {
      // Everything acknowledged is in the write-ahead log: a supervisor restarts the node and it resumes.
      process.stderr.write(`mach: ${config.node.role} stopped: ${outcome.message}\n`);
      return 1;
    }
    process.stderr.write(`mach: ${config.node.role} starting again: ${outcome.message}\n`);
    config = again;
    node = await startNode({ config, providers });
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`mach: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
