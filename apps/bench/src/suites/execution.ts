/**
 * Execution only: the same pre-signed transactions through each executor configuration of executors.ts (Mach
 * without and with a state root per block; @ethereumjs/vm on its SimpleStateManager, on its MerkleStateManager's
 * caches alone, and on its MerkleStateManager with a state root per block), each workload in turn on one state per configuration (so the expensive @ethereumjs
 * genesis is built once). Transactions run in blocks of `blockTransactions`; the first `warmup` transactions of each
 * workload run untimed as one block. Also the admission cost (decode + sender recovery) of each stack, and a check
 * that every configuration used the same gas (a differential sanity check of the workload).
 */
import type { Progress } from "../report/progress.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadName } from "../workloads/transactions.ts";
import type { BenchWorld } from "../workloads/world.ts";
import {
  admitEthereumJs,
  admitMach,
  createEthereumJsTarget,
  createMachTarget,
  EXECUTION_CONFIGURATIONS,
  type ExecutionConfiguration,
  type ExecutionConfigurationName,
  type ExecutionTarget,
  executionConfigurations,
} from "./executors.ts";

export interface ExecutorRun {
  readonly transactions: number;
  readonly seconds: number;
  readonly txPerSecond: number;
  readonly mgasPerSecond: number;
  readonly gasUsed: string;
  readonly failed: number;
}

export interface ExecutionWorkloadResult {
  readonly workload: WorkloadName;
  readonly runs: Readonly<Record<ExecutionConfigurationName, ExecutorRun>>;
  /** Every configuration used the same gas. */
  readonly gasUsedMatches: boolean;
}

export interface AdmissionResult {
  readonly transactions: number;
  readonly machTxPerSecond: number;
  readonly ethereumjsTxPerSecond: number;
  readonly ratio: number;
}

export interface ExecutionResult {
  /** Each configuration's label and description (executors.ts). */
  readonly configurations: Readonly<Record<ExecutionConfigurationName, ExecutionConfiguration>>;
  readonly blockTransactions: number;
  readonly setupSeconds: Readonly<Record<ExecutionConfigurationName, number>>;
  readonly workloads: ExecutionWorkloadResult[];
  readonly admission: AdmissionResult;
}

export interface ExecutionParameters {
  readonly world: BenchWorld;
  /** Signed workloads in the order they run (nonces continue from one to the next). */
  readonly workloads: readonly { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly warmup: number;
  readonly blockTransactions: number;
  /** Transactions for the admission figure (the @ethereumjs side recovers with @noble, ~700/s). */
  readonly admissionCount: number;
  readonly progress?: Progress;
}

async function runBlock<P>(target: ExecutionTarget<P>, txs: readonly P[]) {
  let gasUsed = 0n;
  let failed = 0;
  await target.beginBlock();
  for (const tx of txs) {
    const result = await target.execute(tx);
    gasUsed += result.gasUsed;
    if (result.status === 0) failed++;
  }
  await target.endBlock();
  return { gasUsed, failed };
}

async function timeRun<P>(
  target: ExecutionTarget<P>,
  raw: readonly Uint8Array[],
  warmup: number,
  blockTransactions: number,
  tick: () => void,
): Promise<ExecutorRun> {
  const prepared = target.prepare(raw);
  await runBlock(target, prepared.slice(0, warmup));
  const timed = prepared.slice(warmup);
  let gasUsed = 0n;
  let failed = 0;
  const start = performance.now();
  for (let i = 0; i < timed.length; i += blockTransactions) {
    const block = await runBlock(target, timed.slice(i, i + blockTransactions));
    gasUsed += block.gasUsed;
    failed += block.failed;
    tick();
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    transactions: timed.length,
    seconds,
    txPerSecond: timed.length / seconds,
    mgasPerSecond: Number(gasUsed) / 1e6 / seconds,
    gasUsed: gasUsed.toString(),
    failed,
  };
}

function createTarget(world: BenchWorld, name: ExecutionConfigurationName): Promise<ExecutionTarget<unknown>> {
  switch (name) {
    case "mach":
      return createMachTarget(world.alloc);
    case "mach-ethereumjs":
      return createMachTarget(world.alloc, { engine: "ethereumjs" });
    case "mach-root":
      return createMachTarget(world.alloc, { stateRoot: true });
    case "ethereumjs-simple":
      return createEthereumJsTarget(world.alloc, "simple");
    case "ethereumjs-cached":
      return createEthereumJsTarget(world.alloc, "cached");
    case "ethereumjs-merkle":
      return createEthereumJsTarget(world.alloc, "merkle");
  }
}

export async function runExecutionSuite(parameters: ExecutionParameters): Promise<ExecutionResult> {
  const { world, workloads, warmup, blockTransactions, progress } = parameters;
  const tick = () => progress?.tick();
  const configurations = executionConfigurations(blockTransactions);
  const targets = {} as Record<ExecutionConfigurationName, ExecutionTarget<unknown>>;
  const setupSeconds = {} as Record<ExecutionConfigurationName, number>;
  for (const name of EXECUTION_CONFIGURATIONS) {
    progress?.status(`execution: genesis for ${configurations[name].label}`);
    const start = performance.now();
    targets[name] = await createTarget(world, name);
    setupSeconds[name] = (performance.now() - start) / 1000;
  }
  const results: ExecutionWorkloadResult[] = [];
  for (const { name: workload, signed } of workloads) {
    const runs = {} as Record<ExecutionConfigurationName, ExecutorRun>;
    for (const name of EXECUTION_CONFIGURATIONS) {
      progress?.status(`execution: ${workload} on ${configurations[name].label}`);
      runs[name] = await timeRun(targets[name], signed.raw, warmup, blockTransactions, tick);
    }
    const gas = new Set(Object.values(runs).map((r) => r.gasUsed));
    results.push({ workload, runs, gasUsedMatches: gas.size === 1 });
  }
  progress?.status("execution: admission (decode + sender recovery)");
  const sample = (workloads[0]?.signed.raw ?? []).slice(0, parameters.admissionCount);
  let start = performance.now();
  admitMach(sample);
  const machAdmit = (performance.now() - start) / 1000;
  start = performance.now();
  admitEthereumJs(sample);
  const ethereumjsAdmit = (performance.now() - start) / 1000;
  return {
    configurations,
    blockTransactions,
    setupSeconds,
    workloads: results,
    admission: {
      transactions: sample.length,
      machTxPerSecond: sample.length / machAdmit,
      ethereumjsTxPerSecond: sample.length / ethereumjsAdmit,
      ratio: ethereumjsAdmit / machAdmit,
    },
  };
}
