/**
 * What a run measures and how much: the quick plan (CI, under 3 minutes on 2 cores) and the full plan (the
 * figures for the closing note), and the generation of every workload of a run from its seed.
 */
import { createRng } from "./random.ts";
import type { EndToEndPhases, LoadSettings } from "./suites/endToEnd.ts";
import { type SignedWorkload, signWorkload } from "./workloads/signing.ts";
import { generateWorkload, NonceTracker, WORKLOADS, type WorkloadName } from "./workloads/transactions.ts";
import type { BenchWorld } from "./workloads/world.ts";

export interface BenchPlan {
  readonly mode: "quick" | "full";
  readonly accounts: number;
  readonly execution: { readonly transactions: number; readonly warmup: number; readonly admission: number };
  readonly stateDiff: {
    readonly transactions: number;
    readonly miniBlockSize: number;
    readonly blockMiniBlocks: number;
  };
  readonly stateRoot: {
    readonly accounts: number;
    readonly blockSizes: readonly number[];
    readonly repeats: number;
    /**
     * @ethereumjs/mpt over the same accounts (its node database filled directly: its puts run at ~3k keys/s, minutes
     * for 1M); its own put rate on a fresh trie of `buildSampleKeys` accounts.
     */
    readonly peer: { readonly blockSizes: readonly number[]; readonly buildSampleKeys: number };
  };
  /** ERC-20 transactions sent to the profiled node. */
  readonly profileTransactions: number;
  readonly endToEnd: {
    readonly throughputTransactions: number;
    readonly latencyTransactions: number;
    readonly load: LoadSettings;
    readonly hardhatIntervalMs: number;
  };
}

export const QUICK_PLAN: BenchPlan = {
  mode: "quick",
  accounts: 1_000,
  execution: { transactions: 400, warmup: 50, admission: 200 },
  stateDiff: { transactions: 400, miniBlockSize: 50, blockMiniBlocks: 4 },
  stateRoot: {
    accounts: 100_000,
    blockSizes: [1_000, 10_000, 100_000],
    repeats: 1,
    peer: { blockSizes: [1_000], buildSampleKeys: 2_000 },
  },
  profileTransactions: 1_000,
  endToEnd: {
    throughputTransactions: 600,
    latencyTransactions: 60,
    load: { connections: 4, batchSize: 100, wsWindow: 64, latencyRate: 50, pollMs: 2, receiptTimeoutMs: 60_000 },
    hardhatIntervalMs: 1000,
  },
};

export const FULL_PLAN: BenchPlan = {
  mode: "full",
  accounts: 10_000,
  execution: { transactions: 3_000, warmup: 200, admission: 1_000 },
  stateDiff: { transactions: 3_000, miniBlockSize: 100, blockMiniBlocks: 10 },
  stateRoot: {
    accounts: 1_000_000,
    blockSizes: [1_000, 10_000, 100_000],
    repeats: 3,
    peer: { blockSizes: [1_000, 10_000, 100_000], buildSampleKeys: 20_000 },
  },
  profileTransactions: 5_000,
  endToEnd: {
    throughputTransactions: 5_000,
    latencyTransactions: 300,
    load: { connections: 4, batchSize: 100, wsWindow: 64, latencyRate: 50, pollMs: 2, receiptTimeoutMs: 120_000 },
    hardhatIntervalMs: 1000,
  },
};

export interface RunWorkloads {
  /** Each workload in turn on one state (nonces continue). */
  readonly execution: { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly stateDiff: { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly endToEnd: EndToEndPhases;
  /** The ERC-20 load of `--profile`, on its own fresh chain (nonces from 0). */
  readonly profile: SignedWorkload;
}

type Meter = { add(n: number, s: number): void };

function sequence(
  world: BenchWorld,
  seed: number,
  stream: string,
  items: readonly [WorkloadName, number][],
  meter: Meter,
) {
  const nonces = new NonceTracker();
  return items.map(([name, count]) => {
    const txs = generateWorkload({ world, name, count, rng: createRng(seed, `${stream}:${name}`), nonces });
    return { name, signed: signWorkload(world, txs, meter) };
  });
}

/** Generates and signs every transaction of a run (before any timer starts). */
export function buildRunWorkloads(
  world: BenchWorld,
  plan: BenchPlan,
  seed: number,
  meter: Meter,
  suites: ReadonlySet<string>,
): RunWorkloads {
  const execution = suites.has("execution")
    ? sequence(
        world,
        seed,
        "execution",
        WORKLOADS.map((w) => [w, plan.execution.transactions]),
        meter,
      )
    : [];
  const stateDiff = suites.has("state")
    ? sequence(
        world,
        seed,
        "state-diff",
        WORKLOADS.map((w) => [w, plan.stateDiff.transactions]),
        meter,
      )
    : [];
  const t = plan.endToEnd.throughputTransactions;
  const l = plan.endToEnd.latencyTransactions;
  const phases = suites.has("e2e")
    ? sequence(
        world,
        seed,
        "e2e",
        [
          ["native", t],
          ["erc20", t],
          ["native", t],
          ["erc20", t],
          ["native", l],
          ["erc20", l],
          ["native", l],
          ["erc20", l],
        ],
        meter,
      )
    : [];
  const empty: SignedWorkload = { txs: [], raw: [] };
  const profile = suites.has("profile")
    ? (sequence(world, seed, "profile", [["erc20", plan.profileTransactions]], meter)[0]?.signed ?? empty)
    : empty;
  const at = (i: number) => phases[i]?.signed ?? empty;
  return {
    execution,
    stateDiff,
    profile,
    endToEnd: {
      httpNative: at(0),
      httpErc20: at(1),
      wsNative: at(2),
      wsErc20: at(3),
      latencyNative: at(4),
      latencyErc20: at(5),
      realtimeNative: at(6),
      realtimeErc20: at(7),
    },
  };
}
