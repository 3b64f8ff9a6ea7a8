/** The JSON document a run writes: every figure, the plan that produced it, and the machine it ran on. */
import { arch, cpus, loadavg, platform, totalmem } from "node:os";
import type { BenchPlan } from "../plan.ts";
import type { AbuseResult } from "../suites/abuse.ts";
import type { DaResult } from "../suites/da.ts";
import type { DerivationResult } from "../suites/derivation.ts";
import type { EndToEndTargetResult, LoadSettings } from "../suites/endToEnd.ts";
import type { ExecutionResult } from "../suites/execution.ts";
import type { ProfileSummary } from "../suites/profile.ts";
import type { ReplicaResult } from "../suites/replica.ts";
import type { StateDiffResult } from "../suites/stateDiff.ts";
import type { StateRootResult } from "../suites/stateRoot.ts";
import type { SigningStats } from "../workloads/signing.ts";

/** 2: anvil peers, per-row configurations, light / half-peak latency, execution with and without state roots. */
export const RESULTS_VERSION = 2;

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly totalMemoryBytes: number;
  readonly platform: string;
  readonly arch: string;
  readonly node: string;
  /** 1-minute load average when the run started: other work on the machine moves every figure. */
  readonly loadAverage1m: number;
}

export interface EndToEndResult {
  readonly settings: LoadSettings & { readonly intervalSeconds: number; readonly halfPeakGraceMs: number };
  readonly targets: EndToEndTargetResult[];
}

export interface BenchResults {
  readonly version: typeof RESULTS_VERSION;
  readonly mode: BenchPlan["mode"];
  readonly seed: number;
  readonly suites: readonly string[];
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly plan: BenchPlan;
  readonly signing: SigningStats & { readonly txPerSecond: number };
  readonly execution?: ExecutionResult;
  readonly stateRoot?: StateRootResult;
  readonly stateDiff?: StateDiffResult;
  readonly endToEnd?: EndToEndResult;
  readonly da?: DaResult;
  readonly replica?: ReplicaResult;
  /** A derive node rebuilding, from an empty data directory, a sequencer's chain from L1 + DA. */
  readonly derivation?: DerivationResult;
  /** Figures the bench does not measure yet, with why. */
  readonly unavailable: Readonly<Record<string, string>>;
  /** 1-minute load average when each suite (or end-to-end target) started and ended. */
  readonly loadAverages?: Readonly<Record<string, { readonly start: number; readonly end: number }>>;
  readonly profile?: ProfileSummary;
  /** The abuse suite: the steady load's figures under each abuse and at rest. */
  readonly abuse?: AbuseResult;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    totalMemoryBytes: totalmem(),
    platform: platform(),
    arch: arch(),
    node: process.version,
    loadAverage1m: loadavg()[0] ?? 0,
  };
}
