/**
 * Execution only: the same pre-signed transactions through Mach's executor (its own EVM, and the @ethereumjs/evm
 * engine) and through @ethereumjs/vm `runTx` (Merkle state manager with caches, and SimpleStateManager),
 * each workload in turn on one state per executor (so the expensive @ethereumjs genesis is built once). The first
 * `warmup` transactions of each workload run untimed on both. Also the admission cost (decode + sender recovery)
 * of each stack, and a check that both executors used the same gas (a differential sanity check of the workload).
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
  ETHEREUMJS_CONFIGURATION,
  ETHEREUMJS_SIMPLE_CONFIGURATION,
  type ExecutionTarget,
  MACH_CONFIGURATION,
  MACH_ENGINE_CONFIGURATION,
} from "./executors.ts";

/**
 * SimpleStateManager copies its whole account and storage maps at every checkpoint, so a transaction costs it time in
 * proportion to the state: its row times only the first transactions of each workload (a rate over a prefix).
 */
export const SIMPLE_STATE_MANAGER_TRANSACTIONS = 300;

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
  /** Mach's executor on the @ethereumjs/evm engine. */
  readonly mach: ExecutorRun;
  /** Mach's executor on Mach's own EVM. */
  readonly machEngine: ExecutorRun;
  /** @ethereumjs/vm over MerkleStateManager with caches. */
  readonly ethereumjs: ExecutorRun;
  /** @ethereumjs/vm over SimpleStateManager. */
  readonly ethereumjsSimple: ExecutorRun;
  /** Mach (@ethereumjs/evm engine) tx/s ÷ @ethereumjs/vm (Merkle) tx/s. */
  readonly ratio: number;
  /** Mach's own EVM tx/s ÷ @ethereumjs/vm (SimpleStateManager) tx/s. */
  readonly machEngineRatio: number;
  /** Both Mach engines and @ethereumjs/vm (Merkle) used the same gas (the SimpleStateManager row runs a prefix). */
  readonly gasUsedMatches: boolean;
}

export interface AdmissionResult {
  readonly transactions: number;
  readonly machTxPerSecond: number;
  readonly ethereumjsTxPerSecond: number;
  readonly ratio: number;
}

export interface ExecutionResult {
  readonly configuration: {
    readonly mach: string;
    readonly machEngine: string;
    readonly ethereumjs: string;
    readonly ethereumjsSimple: string;
  };
  readonly setupSeconds: {
    readonly mach: number;
    readonly machEngine: number;
    readonly ethereumjs: number;
    readonly ethereumjsSimple: number;
  };
  readonly workloads: ExecutionWorkloadResult[];
  readonly admission: AdmissionResult;
}

export interface ExecutionParameters {
  readonly world: BenchWorld;
  /** Signed workloads in the order they run (nonces continue from one to the next). */
  readonly workloads: readonly { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly warmup: number;
  /** Transactions for the admission figure (the @ethereumjs side recovers with @noble, ~700/s). */
  readonly admissionCount: number;
  readonly progress?: Progress;
}

async function timeRun<P>(
  target: ExecutionTarget<P>,
  raw: readonly Uint8Array[],
  warmup: number,
  tick: () => void,
): Promise<ExecutorRun> {
  const prepared = target.prepare(raw);
  for (let i = 0; i < Math.min(warmup, prepared.length); i++) await target.execute(prepared[i] as P);
  const timed = prepared.slice(warmup);
  let gasUsed = 0n;
  let failed = 0;
  const start = performance.now();
  for (let i = 0; i < timed.length; i++) {
    const result = await target.execute(timed[i] as P);
    gasUsed += result.gasUsed;
    if (result.status === 0) failed++;
    if ((i & 63) === 0) tick();
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

export async function runExecutionSuite(parameters: ExecutionParameters): Promise<ExecutionResult> {
  const { world, workloads, warmup, progress } = parameters;
  const tick = () => progress?.tick();
  let start = performance.now();
  progress?.status("execution: building Mach genesis");
  const mach = await createMachTarget(world.alloc);
  const machSetup = (performance.now() - start) / 1000;
  start = performance.now();
  progress?.status("execution: building @ethereumjs genesis");
  const ethereumjs = await createEthereumJsTarget(world.alloc);
  const ethereumjsSetup = (performance.now() - start) / 1000;
  start = performance.now();
  progress?.status("execution: building Mach genesis (own EVM)");
  const machEngine = await createMachTarget(world.alloc, "mach");
  const machEngineSetup = (performance.now() - start) / 1000;
  start = performance.now();
  progress?.status("execution: building @ethereumjs genesis (SimpleStateManager)");
  const ethereumjsSimple = await createEthereumJsTarget(world.alloc, "simple");
  const ethereumjsSimpleSetup = (performance.now() - start) / 1000;
  const results: ExecutionWorkloadResult[] = [];
  for (const { name, signed } of workloads) {
    progress?.status(`execution: ${name} on Mach (@ethereumjs/evm engine)`);
    const machRun = await timeRun(mach, signed.raw, warmup, tick);
    progress?.status(`execution: ${name} on Mach (own EVM)`);
    const machEngineRun = await timeRun(machEngine, signed.raw, warmup, tick);
    progress?.status(`execution: ${name} on @ethereumjs/vm`);
    const ethereumjsRun = await timeRun(ethereumjs, signed.raw, warmup, tick);
    progress?.status(`execution: ${name} on @ethereumjs/vm (SimpleStateManager)`);
    const simpleRaw = signed.raw.slice(0, warmup + SIMPLE_STATE_MANAGER_TRANSACTIONS);
    await ethereumjsSimple.alignNonces(simpleRaw);
    const ethereumjsSimpleRun = await timeRun(ethereumjsSimple, simpleRaw, warmup, tick);
    results.push({
      workload: name,
      mach: machRun,
      machEngine: machEngineRun,
      ethereumjs: ethereumjsRun,
      ethereumjsSimple: ethereumjsSimpleRun,
      ratio: machRun.txPerSecond / ethereumjsRun.txPerSecond,
      machEngineRatio: machEngineRun.txPerSecond / ethereumjsSimpleRun.txPerSecond,
      gasUsedMatches: machRun.gasUsed === ethereumjsRun.gasUsed && machEngineRun.gasUsed === machRun.gasUsed,
    });
  }
  progress?.status("execution: admission (decode + sender recovery)");
  const sample = (workloads[0]?.signed.raw ?? []).slice(0, parameters.admissionCount);
  start = performance.now();
  admitMach(sample);
  const machAdmit = (performance.now() - start) / 1000;
  start = performance.now();
  admitEthereumJs(sample);
  const ethereumjsAdmit = (performance.now() - start) / 1000;
  return {
    configuration: {
      mach: MACH_CONFIGURATION,
      machEngine: MACH_ENGINE_CONFIGURATION,
      ethereumjs: ETHEREUMJS_CONFIGURATION,
      ethereumjsSimple: ETHEREUMJS_SIMPLE_CONFIGURATION,
    },
    setupSeconds: {
      mach: machSetup,
      machEngine: machEngineSetup,
      ethereumjs: ethereumjsSetup,
      ethereumjsSimple: ethereumjsSimpleSetup,
    },
    workloads: results,
    admission: {
      transactions: sample.length,
      machTxPerSecond: sample.length / machAdmit,
      ethereumjsTxPerSecond: sample.length / ethereumjsAdmit,
      ratio: ethereumjsAdmit / machAdmit,
    },
  };
}
