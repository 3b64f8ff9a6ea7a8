/**
 * What a run measures and how much: the quick plan (CI, under 3 minutes on 2 cores) and the full plan (the
 * figures for the closing note), and the generation of every workload of a run from its seed.
 */
import { createRng, type Rng } from "./random.ts";
import type { AbuseSettings, AbuseVariant } from "./suites/abuse.ts";
import type { DaSuiteSettings } from "./suites/da.ts";
import type { DerivationSettings } from "./suites/derivation.ts";
import { type EndToEndPhases, type KindPair, LATENCY_METHODS, type LoadSettings } from "./suites/endToEnd.ts";
import { type SignedWorkload, signWorkload } from "./workloads/signing.ts";
import { generateWorkload, NonceTracker, permutation, WORKLOADS, type WorkloadName } from "./workloads/transactions.ts";
import type { BenchWorld } from "./workloads/world.ts";

export interface BenchPlan {
  readonly mode: "quick" | "full";
  readonly accounts: number;
  readonly execution: {
    readonly transactions: number;
    readonly warmup: number;
    readonly admission: number;
    /** Transactions per block where a configuration computes the state root (once per block). */
    readonly blockTransactions: number;
  };
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
  /** Witness and gossip bytes per workload (in process); a sequencer and a replica process (catch-up, lag). */
  readonly replica: {
    readonly transactions: number;
    readonly blockTransactions: number;
    readonly miniBlockSize: number;
    /** ERC-20 burst the replica process catches up on. */
    readonly burstTransactions: number;
    /** ERC-20 open loop at half of the sequencer's peak, the replica following live. */
    readonly halfPeakTransactions: number;
    readonly senders: number;
  };
  /** ERC-20 transactions sent to the profiled node. */
  readonly profileTransactions: number;
  /** The abuse suite: phase length, steady-load senders, the pool flood's size (the full run: the issue's). */
  readonly abuse: AbuseSettings;
  readonly endToEnd: {
    /** Per throughput phase (HTTP / WebSocket × native / ERC-20): long enough that 1 s block boundaries do not dominate. */
    readonly throughputTransactions: number;
    /** Accounts sending the throughput phases. */
    readonly throughputSenders: number;
    /** Per light-load phase (one transaction at a time), per method and workload. */
    readonly lightTransactions: number;
    /** Accounts sending each light-load phase (a set per method and workload). */
    readonly lightSenders: number;
    /** Per half-peak phase (open loop at half of Mach's measured peak), per workload. */
    readonly halfPeakTransactions: number;
    /** Accounts sending each half-peak phase (a set per workload). */
    readonly halfPeakSenders: number;
    /** How long a half-peak phase waits after its last send before it reports the node stalled. */
    readonly halfPeakGraceMs: number;
    readonly load: LoadSettings;
    /** Block time of the interval-mined peers (anvil, Hardhat). */
    readonly intervalSeconds: number;
  };
  /** The DA suite: commitment throughput per provider, and each provider under sustained load. */
  readonly da: DaSuiteSettings;
  /** The derivation suite: a sequencer under ERC-20 load, then a derive node rebuilding its chain from L1 + DA. */
  readonly derivation: DerivationSettings;
}

/** Where reads execute, compared under hostile calls: renicing the workers, and the sealing loop itself (before). */
const ABUSE_VARIANTS: readonly AbuseVariant[] = [
  { label: "read workers at nice 10", rpc: { reads: { workers: 2, niceness: 10 } } },
  { label: "reads on the sealing loop (workers 0)", rpc: { reads: { workers: 0 } } },
];
/** The node's batcher as `pnpm devnet` configures it (apps/devnet/src/main.ts). */
const DEVNET_BATCHER = { maxBlocksPerBatch: 30, maxBatchAgeMs: 5_000 } as const;

export const QUICK_PLAN: BenchPlan = {
  mode: "quick",
  accounts: 1_000,
  execution: { transactions: 400, warmup: 50, admission: 200, blockTransactions: 100 },
  stateDiff: { transactions: 400, miniBlockSize: 50, blockMiniBlocks: 4 },
  stateRoot: {
    accounts: 100_000,
    blockSizes: [1_000, 10_000, 100_000],
    repeats: 1,
    peer: { blockSizes: [1_000], buildSampleKeys: 2_000 },
  },
  replica: {
    transactions: 400,
    blockTransactions: 100,
    miniBlockSize: 25,
    burstTransactions: 6_000,
    halfPeakTransactions: 800,
    senders: 100,
  },
  profileTransactions: 1_000,
  abuse: { phaseMs: 4_000, loadSenders: 4, flood: { senders: 200, parkedPerSender: 20 }, variants: ABUSE_VARIANTS },
  endToEnd: {
    throughputTransactions: 2_000,
    throughputSenders: 700,
    lightTransactions: 40,
    lightSenders: 10,
    halfPeakTransactions: 800,
    halfPeakSenders: 100,
    halfPeakGraceMs: 4_000,
    load: { connections: 4, batchSize: 100, wsWindow: 64, pollMs: 2, receiptTimeoutMs: 60_000 },
    intervalSeconds: 1,
  },
  // Kept well under a minute: 128 KiB commitments without the pure-JS reference (seconds of CPU each), a small
  // EigenDA SRS (generating the devnet's 4,096 points takes ~45 s; 512 take ~2 s, cached), short phases, batches
  // every second.
  da: {
    commitment: { blobBytes: [128 * 1024], runs: 1, referenceMaxBlobBytes: 0 },
    sustained: {
      halfPeakSeconds: 4,
      peakSeconds: 4,
      pollMs: 100,
      statusPollMs: 250,
      drainTimeoutSeconds: 20,
      connections: 2,
      batcher: { maxBlocksPerBatch: 30, maxBatchAgeMs: 1_000 },
    },
    capacity: {
      stepSeconds: 4,
      warmupSeconds: 1,
      maxSteps: 2,
      growthTolerance: 0.05,
      margin: 0.95,
      maxBacklogTransactions: 2_000,
      pollMs: 100,
      drainTimeoutSeconds: 20,
      maxCatchUpSeconds: 10,
    },
    standIns: { eigendaSrsPoints: 512, eigendaStatusIntervalMs: 100, celestiaBlockTimeMs: 500 },
    senders: 200,
    defaultPeakTxPerSecond: 200,
    maxPeakTxPerSecond: 300,
  },
  // Well under a minute with its L1, stand-in and two nodes: the DA suite's stand-ins (cached 512-point SRS), a batch
  // a second.
  derivation: {
    name: "quick",
    transactions: 2_000,
    senders: 200,
    batcher: { maxBlocksPerBatch: 30, maxBatchAgeMs: 1_000 },
    safeTimeoutSeconds: 30,
    deriveTimeoutSeconds: 60,
    standIns: { eigendaSrsPoints: 512, eigendaStatusIntervalMs: 100, celestiaBlockTimeMs: 500 },
  },
};

export const FULL_PLAN: BenchPlan = {
  mode: "full",
  accounts: 10_000,
  execution: { transactions: 3_000, warmup: 200, admission: 1_000, blockTransactions: 100 },
  stateDiff: { transactions: 3_000, miniBlockSize: 100, blockMiniBlocks: 10 },
  stateRoot: {
    accounts: 1_000_000,
    blockSizes: [1_000, 10_000, 100_000],
    repeats: 3,
    peer: { blockSizes: [1_000, 10_000, 100_000], buildSampleKeys: 20_000 },
  },
  replica: {
    transactions: 3_000,
    blockTransactions: 1_000,
    miniBlockSize: 100,
    // Long enough that neither process's warm-up (JIT, first blocks) decides the catch-up ratio: 20,000 gave
    // 1.1–3.0x on one quiet machine, the sequencer's rate alone ranging 2,400–4,100 tx/s.
    burstTransactions: 60_000,
    halfPeakTransactions: 8_000,
    senders: 400,
  },
  profileTransactions: 5_000,
  abuse: { phaseMs: 10_000, loadSenders: 4, flood: { senders: 1_100, parkedPerSender: 60 }, variants: ABUSE_VARIANTS },
  endToEnd: {
    throughputTransactions: 30_000,
    throughputSenders: 1_000,
    lightTransactions: 300,
    lightSenders: 20,
    halfPeakTransactions: 10_000,
    halfPeakSenders: 200,
    halfPeakGraceMs: 30_000,
    load: { connections: 4, batchSize: 100, wsWindow: 64, pollMs: 2, receiptTimeoutMs: 120_000 },
    intervalSeconds: 1,
  },
  // Five minutes at half of Mach's peak, then five at its peak, per provider, with the devnet's stand-ins and batcher,
  // except EigenDA's SRS: 32,768 points (frames up to ~1 MiB, as EigenDA takes blobs up to 16 MiB) where the devnet's
  // 4,096 (generated at every start, ~10 s) cap them at ~124 KiB. Generated once into the bench's cache (~1 min).
  da: {
    commitment: { blobBytes: [128 * 1024, 2 * 1024 * 1024], runs: 3, referenceMaxBlobBytes: 2 * 1024 * 1024 },
    sustained: {
      halfPeakSeconds: 300,
      peakSeconds: 300,
      pollMs: 200,
      statusPollMs: 500,
      drainTimeoutSeconds: 300,
      connections: 4,
      batcher: DEVNET_BATCHER,
    },
    // Steps of 40 s (a block a second: enough blocks and batches to see a trend), stopped at 20,000 waiting
    // transactions (the pool refuses past 65,536): a step over capacity by 2,000 tx/s stops after ~10 s.
    capacity: {
      stepSeconds: 40,
      warmupSeconds: 8,
      maxSteps: 5,
      growthTolerance: 0.02,
      margin: 0.95,
      maxBacklogTransactions: 20_000,
      pollMs: 250,
      drainTimeoutSeconds: 120,
      // A batch's age (5 s), its last block (1 s), DA (~3 s at p99) and L1 (~1 s), and a margin.
      maxCatchUpSeconds: 15,
    },
    standIns: { eigendaSrsPoints: 32_768, eigendaStatusIntervalMs: 250, celestiaBlockTimeMs: 1_000 },
    senders: 1_000,
    defaultPeakTxPerSecond: 1_000,
  },
  // The devnet's batcher; the EigenDA stand-in as the DA suite runs it (the devnet's settings).
  derivation: {
    name: "full",
    transactions: 20_000,
    senders: 1_000,
    batcher: DEVNET_BATCHER,
    safeTimeoutSeconds: 300,
    deriveTimeoutSeconds: 600,
    standIns: { eigendaSrsPoints: 4_096, eigendaStatusIntervalMs: 250, celestiaBlockTimeMs: 1_000 },
  },
};

export interface RunWorkloads {
  /** Each workload in turn on one state (nonces continue). */
  readonly execution: { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly stateDiff: { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  /** Absent when the replica suite does not run. */
  readonly replica:
    | {
        readonly workloads: { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
        readonly burst: SignedWorkload;
        readonly halfPeak: SignedWorkload;
      }
    | undefined;
  /** Absent when the e2e suite does not run. */
  readonly endToEnd: EndToEndPhases | undefined;
  /** The ERC-20 load of `--profile`, on its own fresh chain (nonces from 0). */
  readonly profile: SignedWorkload;
  /** The derivation suite's ERC-20 load, on its own fresh chain (nonces from 0); absent when it does not run. */
  readonly derivation: SignedWorkload | undefined;
}

type Meter = { add(n: number, s: number): void };

function sequence(
  world: BenchWorld,
  seed: number,
  stream: string,
  items: readonly [WorkloadName, number][],
  meter: Meter,
  senders?: readonly number[],
) {
  const nonces = new NonceTracker();
  return items.map(([name, count]) => {
    const txs = generateWorkload({
      world,
      name,
      count,
      rng: createRng(seed, `${stream}:${name}`),
      nonces,
      ...(senders === undefined ? {} : { senders }),
    });
    return { name, signed: signWorkload(world, txs, meter) };
  });
}

/**
 * Disjoint sets of account indices of the given sizes, drawn from a seeded permutation: phases sent from different
 * sets never share a nonce sequence, so a node can run any subset of them.
 */
export function partitionSenders(accountCount: number, sizes: readonly number[], rng: Rng): number[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > accountCount) throw new RangeError(`the phases need ${total} senders; the world has ${accountCount}`);
  const order = permutation(accountCount, rng);
  let at = 0;
  return sizes.map((size) => {
    const set = order.slice(at, at + size);
    at += size;
    return set;
  });
}

const EMPTY: SignedWorkload = { txs: [], raw: [] };

/**
 * Sizes of the end-to-end sender sets, in order: the throughput phases share one set (every node that runs them
 * runs all four, in order); every latency phase (each method × workload, then the half-peak load per workload) has
 * a set of its own, so a node that skips a phase, or stalls in one, leaves no nonce gap in the next.
 */
export function endToEndSenderSets(plan: BenchPlan): number[] {
  const e = plan.endToEnd;
  return [
    e.throughputSenders,
    ...LATENCY_METHODS.flatMap(() => [e.lightSenders, e.lightSenders]),
    e.halfPeakSenders,
    e.halfPeakSenders,
  ];
}

function endToEndWorkloads(world: BenchWorld, plan: BenchPlan, seed: number, meter: Meter): EndToEndPhases {
  const e = plan.endToEnd;
  const [throughputSenders, ...sets] = partitionSenders(
    world.accounts.length,
    endToEndSenderSets(plan),
    createRng(seed, "e2e:senders"),
  );
  const one = (stream: string, name: "native" | "erc20", count: number, senders: readonly number[] | undefined) =>
    sequence(world, seed, stream, [[name, count]], meter, senders)[0]?.signed ?? EMPTY;
  const pair = (stream: string, count: number, first: number): KindPair => ({
    native: one(stream, "native", count, sets[first]),
    erc20: one(stream, "erc20", count, sets[first + 1]),
  });
  const t = e.throughputTransactions;
  const throughput = sequence(
    world,
    seed,
    "e2e",
    [
      ["native", t],
      ["erc20", t],
      ["native", t],
      ["erc20", t],
    ],
    meter,
    throughputSenders,
  );
  const at = (i: number) => throughput[i]?.signed ?? EMPTY;
  const light = Object.fromEntries(
    LATENCY_METHODS.map((method, i) => [method, pair(`e2e:light:${method}`, e.lightTransactions, 2 * i)]),
  ) as Record<(typeof LATENCY_METHODS)[number], KindPair>;
  return {
    throughput: { httpNative: at(0), httpErc20: at(1), wsNative: at(2), wsErc20: at(3) },
    light,
    halfPeak: pair("e2e:half-peak", e.halfPeakTransactions, 2 * LATENCY_METHODS.length),
  };
}

function replicaWorkloads(world: BenchWorld, plan: BenchPlan, seed: number, meter: Meter): RunWorkloads["replica"] {
  const r = plan.replica;
  const [burstSenders, halfPeakSenders] = partitionSenders(
    world.accounts.length,
    [r.senders, r.senders],
    createRng(seed, "replica:senders"),
  );
  return {
    workloads: sequence(
      world,
      seed,
      "replica",
      WORKLOADS.map((w) => [w, r.transactions]),
      meter,
    ),
    burst:
      sequence(world, seed, "replica:burst", [["erc20", r.burstTransactions]], meter, burstSenders)[0]?.signed ?? EMPTY,
    halfPeak:
      sequence(world, seed, "replica:half-peak", [["erc20", r.halfPeakTransactions]], meter, halfPeakSenders)[0]
        ?.signed ?? EMPTY,
  };
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
  const profile = suites.has("profile")
    ? (sequence(world, seed, "profile", [["erc20", plan.profileTransactions]], meter)[0]?.signed ?? EMPTY)
    : EMPTY;
  const replica = suites.has("replica") ? replicaWorkloads(world, plan, seed, meter) : undefined;
  const d = plan.derivation;
  const derivationSenders = Array.from({ length: Math.min(d.senders, world.accounts.length) }, (_, i) => i);
  const derivation = suites.has("derivation")
    ? sequence(world, seed, "derivation", [["erc20", d.transactions]], meter, derivationSenders)[0]?.signed
    : undefined;
  return {
    execution,
    stateDiff,
    replica,
    profile,
    derivation,
    endToEnd: suites.has("e2e") ? endToEndWorkloads(world, plan, seed, meter) : undefined,
  };
}
