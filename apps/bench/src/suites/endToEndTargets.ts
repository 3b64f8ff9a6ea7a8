/**
 * The nodes of the end-to-end suite, in the order they run, each with how it is started (its configuration, named
 * in every row it appears in) and what it is measured on:
 *
 *   mach              throughput; one at a time: send + poll, realtime_sendRawTransaction, eth_sendRawTransactionSync;
 *                     realtime_sendRawTransaction at half its own measured peak (so it runs first)
 *   anvil-interval    throughput (1 s interval mining, the bench block gas limit)
 *   anvil-automine    one at a time: send + poll, eth_sendRawTransactionSync; eth_sendRawTransactionSync at half of
 *                     Mach's peak (no throughput phases: under batched load automine stalled, see README)
 *   hardhat-automine  throughput; one at a time: send + poll (Hardhat has no one-call send)
 *   hardhat-interval  throughput (1 s interval mining)
 */
import { createRequire } from "node:module";
import { sequencerConfigSchema } from "@mach/core/sequencer";
import { ANVIL_PACKAGE, startAnvilNode } from "../targets/anvilNode.ts";
import { startHardhatNode } from "../targets/hardhatNode.ts";
import { startMachNode } from "../targets/machNode.ts";
import type { RunningNode } from "../targets/process.ts";
import { type Alloc, BENCH_BLOCK_GAS_LIMIT } from "../workloads/world.ts";
import type { E2eTargetName, TargetPhases } from "./endToEnd.ts";

export interface EndToEndTarget {
  readonly name: E2eTargetName;
  /** Short name for table cells: "anvil automine". */
  readonly label: string;
  /** Version and every setting that differs from the node's defaults. */
  readonly configuration: string;
  readonly phases: TargetPhases;
  start(alloc: Alloc): Promise<RunningNode>;
}

/** The installed version of `name`; "not installed" for an absent optional dependency (anvil off Linux x64). */
function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
    return "not installed";
  }
}

const gasLabel = (gas: bigint) => `${Number(gas / 1_000_000n)}M gas limit`;

export function endToEndTargets(intervalSeconds: number): EndToEndTarget[] {
  const sequencer = sequencerConfigSchema.parse({});
  const gas = gasLabel(BENCH_BLOCK_GAS_LIMIT);
  const anvil = `anvil ${packageVersion(ANVIL_PACKAGE)} (${ANVIL_PACKAGE})`;
  const hardhat = `Hardhat ${packageVersion("hardhat")} node (EDR)`;
  return [
    {
      name: "mach",
      label: "Mach",
      configuration: `Mach node (sequencer): mini-blocks every ≤${sequencer.miniBlockMs} ms, blocks every ${sequencer.blockMs} ms, ${gas}, LMDB store, memory DA, info logging`,
      phases: {
        throughput: true,
        light: ["eth_sendRawTransaction+poll", "realtime_sendRawTransaction", "eth_sendRawTransactionSync"],
        halfPeak: "realtime_sendRawTransaction",
      },
      start: (alloc) => startMachNode({ alloc }),
    },
    {
      name: "anvil-interval",
      label: `anvil interval ${intervalSeconds} s`,
      configuration: `${anvil}: interval mining every ${intervalSeconds} s, ${gas}, Prague, logging off`,
      phases: { throughput: true, light: [] },
      start: (alloc) => startAnvilNode({ alloc, blockTimeSeconds: intervalSeconds }),
    },
    {
      name: "anvil-automine",
      label: "anvil automine",
      configuration: `${anvil}: automine (a block per transaction as it arrives), ${gas}, Prague, logging off`,
      phases: {
        throughput: false,
        light: ["eth_sendRawTransaction+poll", "eth_sendRawTransactionSync"],
        halfPeak: "eth_sendRawTransactionSync",
      },
      start: (alloc) => startAnvilNode({ alloc }),
    },
    {
      name: "hardhat-automine",
      label: "Hardhat automine",
      configuration: `${hardhat}: automine, ${gas}, Prague, logging off`,
      phases: { throughput: true, light: ["eth_sendRawTransaction+poll"] },
      start: (alloc) => startHardhatNode({ alloc }),
    },
    {
      name: "hardhat-interval",
      label: `Hardhat interval ${intervalSeconds} s`,
      configuration: `${hardhat}: interval mining every ${intervalSeconds} s, ${gas}, Prague, logging off`,
      phases: { throughput: true, light: [] },
      start: (alloc) => startHardhatNode({ alloc, intervalMs: intervalSeconds * 1000 }),
    },
  ];
}
