/**
 * @mach/bench: the performance harness behind `pnpm bench` (entry: main.ts).
 *
 *   options.ts     command line → BenchOptions
 *   plan.ts        quick / full sizes; generates and signs every workload of a run from the seed
 *   workloads/     world.ts (accounts, contracts, genesis alloc), transactions.ts (native, erc20, swap, mixed), signing.ts
 *   suites/        execution.ts + executors.ts (Mach with / without a state root vs @ethereumjs/vm on its Simple and
 *                  Merkle state managers), stateDiff.ts (diff bytes, replica apply), stateRoot.ts (keys/s, memory;
 *                  child process; @ethereumjs/mpt peer), endToEnd.ts (the load and its phases over JSON-RPC) +
 *                  endToEndTargets.ts (Mach, anvil, Hardhat nodes and what each is measured on), profile.ts
 *                  (--cpu-prof of the sequencer, self-time summary), da.ts (the DA suite: daCommitment.ts, EigenDA
 *                  KZG and Celestia share commitments per core; daSustained.ts, each provider under half-peak then
 *                  peak ERC-20 load; daLag.ts, safe lag, batch latencies and backlog from the node's status polls)
 *   targets/       Mach, anvil and Hardhat node processes, the DA suite's L1 (l1Node.ts) and DA stand-ins
 *                  (daStandIn.ts), JSON-RPC clients (HTTP batches, WebSocket)
 *   report/        results.json shape, rows/table/Markdown (each row's configurations; the DA rows in daRows.ts),
 *                  headline.ts (README's table), SVG chart, progress bar, percentiles
 *   run.ts         one run: workloads → suites → files
 *
 * Data flow: seed → createWorld + buildRunWorkloads (signed before any timer) → suites → BenchResults → rows → table,
 * chart, JSON.
 */
export type { BenchOptions, SuiteName } from "./options.ts";
export { BenchUsageError, parseBenchOptions, SUITES } from "./options.ts";
export type { BenchPlan } from "./plan.ts";
export { FULL_PLAN, QUICK_PLAN } from "./plan.ts";
export { chartPanels, renderChart } from "./report/chart.ts";
export { headlineRows, renderHeadline, verdict } from "./report/headline.ts";
export { renderMarkdown, renderTable } from "./report/render.ts";
export type { BenchResults, MachineInfo } from "./report/results.ts";
export type { Row } from "./report/row.ts";
export { resultRows } from "./report/rows.ts";
export { median, percentile, ratio, summarizeLatencies } from "./report/stats.ts";
export type { RunOutput } from "./run.ts";
export { runBench } from "./run.ts";
export { type CpuProfile, summarizeProfile } from "./suites/profile.ts";
export { generateWorkload, NonceTracker, WORKLOADS, type WorkloadName } from "./workloads/transactions.ts";
export { createWorld } from "./workloads/world.ts";
