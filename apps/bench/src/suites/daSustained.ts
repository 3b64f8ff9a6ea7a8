/**
 * One DA provider under sustained load: a fresh set of L1 contracts, a Mach node (the `mach` binary, as the devnet
 * runs it) with the provider's stand-in and `settlement.provider: "l1"`, then ERC-20 transfers sent open loop
 * (`eth_sendRawTransaction` over WebSockets, split by sender so nonces arrive in order) at half of Mach's peak, then
 * at its peak (found first on this node by `daCapacity.ts` when asked), while `mach_syncStatus` and `mach_status` are
 * polled; after the load, the node is watched until `safe` catches up with the head of that moment (or the drain
 * timeout passes). `daLag.ts` turns the samples into figures.
 */
import type { Progress } from "../report/progress.ts";
import type { DaStandIn } from "../targets/daStandIn.ts";
import { BENCH_L1_CHAIN_ID, type BenchL1 } from "../targets/l1Node.ts";
import { startMachNode } from "../targets/machNode.ts";
import { scrapeMetrics } from "../targets/metrics.ts";
import { connectWsRpc, createHttpRpcClient, type HttpRpcClient, type WsRpcClient } from "../targets/rpcClient.ts";
import type { Alloc } from "../workloads/world.ts";
import { type CapacityProbe, type DaCapacitySettings, runCapacityProbe } from "./daCapacity.ts";
import {
  analyzeDrain,
  analyzePhases,
  type DrainAnalysis,
  type PhaseAnalysis,
  type SeenBatch,
  type SyncSample,
} from "./daLag.ts";
import { createSendOutcome, type PhaseSends } from "./daSends.ts";

export interface DaSustainedSettings {
  readonly halfPeakSeconds: number;
  readonly peakSeconds: number;
  /** `mach_syncStatus` poll period. */
  readonly pollMs: number;
  /** `mach_status` poll period (the newest 8 batches with their times). */
  readonly statusPollMs: number;
  /** How long after the load the run waits for `safe` to catch up. */
  readonly drainTimeoutSeconds: number;
  readonly connections: number;
  /** The node's `batcher` config section. */
  readonly batcher: Readonly<Record<string, number | string | boolean>>;
}

export interface DaOfferedLoad {
  readonly halfPeakTxPerSecond: number;
  readonly peakTxPerSecond: number;
  /** Where the peak comes from: Mach's ERC-20 throughput measured by the e2e suite in this run, or the plan's default. */
  readonly peakSource: string;
}

export interface DaProviderRun {
  readonly provider: DaStandIn["provider"];
  /** The stand-in, the client, the node's batcher and the L1, in words. */
  readonly configuration: string;
  readonly offered: DaOfferedLoad;
  /** How the peak was found on this node, when it was (the phases then offer it and half of it). */
  readonly capacity?: CapacityProbe;
  readonly sent: {
    readonly transactions: number;
    readonly accepted: number;
    readonly rejected: number;
    /** Sends not made because their sender had been refused before (`stoppedSenders` senders). */
    readonly skipped: number;
    readonly stoppedSenders: number;
    readonly firstError?: string;
  };
  readonly phases: readonly PhaseAnalysis[];
  /**
   * Per phase, the sends made and what the node answered to them: refusals and the sends their senders then skipped
   * are told per phase (an answer counts in the phase it arrived in; the last phase's once every send was answered).
   */
  readonly sendsByPhase?: readonly PhaseSends[];
  /**
   * Per phase, the CPU time the node's DA client spent computing commitments during it (EigenDA's KZG, on the threads
   * that computed them; from its metrics), beside the phase's length. Null when the client counts none (Celestia).
   */
  readonly commitmentWork: readonly {
    readonly name: string;
    readonly seconds: number;
    readonly cpuSeconds: number | null;
  }[];
  readonly drain: DrainAnalysis;
  /** Batches the status polls saw, and how many of them failed. */
  readonly batchesSeen: number;
  readonly batchesFailed: number;
  /** The batcher's state at the end, and its error if it halted. */
  readonly batcherState: string;
  readonly batcherError?: string;
}

/** The EigenDA client's commitment CPU time (a counter; Celestia's client has none). */
const COMMITMENT_CPU = "mach_eigenda_commitment_cpu_seconds_total";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const toHex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;
const hexNumber = (value: string | null | undefined) => (value ? Number.parseInt(value, 16) : 0);

interface SyncStatusJson {
  readonly headBlockNumber: string;
  readonly safeBlockNumber: string | null;
  readonly batcher:
    | (NonNullable<SyncSample["batcher"]> & { readonly state: string; readonly error: string | null })
    | null;
}

/** A batch as `mach_status` renders it: block numbers as 0x quantities. */
type StatusBatchJson = Omit<SeenBatch, "fromBlock" | "toBlock"> & {
  readonly fromBlock: string;
  readonly toBlock: string;
};

/** Polls the node until stopped: sync samples, and every batch `mach_status` showed (its latest state). */
function startProbe(client: HttpRpcClient, settings: DaSustainedSettings) {
  const samples: SyncSample[] = [];
  const batches = new Map<number, SeenBatch>();
  let last: SyncStatusJson | undefined;
  let stopped = false;
  let failure: unknown;
  const syncLoop = (async () => {
    while (!stopped) {
      const status = await client.call<SyncStatusJson>("mach_syncStatus", []);
      last = status;
      samples.push({
        atMs: Date.now(),
        head: hexNumber(status.headBlockNumber),
        safe: hexNumber(status.safeBlockNumber),
        batcher: status.batcher,
      });
      await sleep(settings.pollMs);
    }
  })();
  const statusLoop = (async () => {
    while (!stopped) {
      const status = await client.call<{ da: { recent: readonly StatusBatchJson[] } }>("mach_status", []);
      for (const b of status.da.recent) {
        const fromBlock = hexNumber(b.fromBlock);
        batches.set(fromBlock, { ...b, fromBlock, toBlock: hexNumber(b.toBlock) });
      }
      await sleep(settings.statusPollMs);
    }
  })();
  const watched = Promise.all([syncLoop, statusLoop]).catch((error: unknown) => {
    failure = error;
  });
  return {
    samples,
    batches,
    latest: () => last,
    /** The first poll's error, if polling failed (the node died). */
    failure: () => failure,
    async stop() {
      stopped = true;
      await watched;
      if (failure !== undefined) throw failure;
    },
  };
}

/** The sustained load: raw signed transactions and each one's sender (account index), in sending order. */
export interface DaLoad {
  readonly senders: readonly number[];
  readonly raw: readonly Uint8Array[];
}

/**
 * A load signed as far as it is needed: `ensure(n)` signs until `load` holds at least `n` transactions, yielding to
 * the event loop between chunks (open WebSockets must answer the node's pings meanwhile).
 */
export interface DaLoadSource {
  readonly load: DaLoad;
  ensure(count: number): Promise<void>;
}

/**
 * Sends `load[from, to)` open loop at `ratePerSecond` over `sockets` (by sender); resolves when the last is sent, or
 * when `stop()` answers true, with the index it reached.
 */
async function sendOpenLoop(
  sockets: readonly WsRpcClient[],
  load: DaLoad,
  from: number,
  to: number,
  ratePerSecond: number,
  outcome: ReturnType<typeof createSendOutcome>,
  stop: () => boolean = () => false,
): Promise<number> {
  const intervalMs = 1000 / ratePerSecond;
  const start = performance.now();
  let i = from;
  while (i < to && !stop()) {
    const now = performance.now();
    for (; i < to && start + (i - from) * intervalMs <= now; i++) {
      const sender = load.senders[i] as number;
      if (!outcome.mayStillSend(sender)) continue;
      const socket = sockets[sender % sockets.length] as WsRpcClient;
      outcome.track(sender, socket.call("eth_sendRawTransaction", [toHex(load.raw[i] as Uint8Array)]));
    }
    if (i < to) await sleep(Math.max(0, start + (i - from) * intervalMs - performance.now()));
  }
  return i;
}

export interface RunDaSustainedParameters {
  readonly standIn: DaStandIn;
  readonly l1: BenchL1;
  readonly alloc: Alloc;
  /** The load, sent from its start: capacity steps (if any), then the half-peak phase, then the peak phase. */
  readonly load: DaLoadSource;
  /** The offered rates; or where the capacity probe starts, the peak being what it finds (and the half, half of it). */
  readonly offered: DaOfferedLoad | DaCapacityRequest;
  readonly settings: DaSustainedSettings;
  readonly progress?: Progress;
}

/** Find the peak on the node first (`daCapacity.ts`), from `initialTxPerSecond` (which `initialSource` explains). */
export interface DaCapacityRequest {
  readonly probe: DaCapacitySettings;
  readonly initialTxPerSecond: number;
  readonly initialSource: string;
}

/** The offered rates from a capacity probe's peak. */
export function offeredFromCapacity(capacity: CapacityProbe, initialSource: string): DaOfferedLoad {
  const steps = capacity.steps
    .map(
      (s) =>
        `${Math.round(s.rateTxPerSecond)} tx/s asked, ${Math.round(s.sentTxPerSecond)} sent, for ${s.seconds.toFixed(0)} s: backlog ${s.backlogGrowthPerSecond >= 0 ? "+" : ""}${Math.round(s.backlogGrowthPerSecond)}/s${s.stoppedEarly ? ` (stopped at ${s.backlogAtEnd.toLocaleString("en-US")} waiting)` : ""}${s.catchUpSeconds === null ? "" : `, safe caught up ${s.catchUpSeconds.toFixed(1)} s after`}${s.sustained ? ", sustained" : ""}`,
    )
    .join("; ");
  return {
    halfPeakTxPerSecond: capacity.peakTxPerSecond / 2,
    peakTxPerSecond: capacity.peakTxPerSecond,
    peakSource: `the rate this node sustained with its DA client, batcher and L1 (${capacity.confirmed ? "" : "not confirmed: the steps ran out; "}capacity steps from ${initialSource}: ${steps})`,
  };
}

/** How many transactions each phase sends at the offered rates. */
export function phaseTransactionCounts(offered: DaOfferedLoad, settings: DaSustainedSettings): [number, number] {
  return [
    Math.round(offered.halfPeakTxPerSecond * settings.halfPeakSeconds),
    Math.round(offered.peakTxPerSecond * settings.peakSeconds),
  ];
}

/**
 * Finds the node's sustained rate (`daCapacity.ts`) with the run's sockets and send outcome, sending the load from its
 * start; resolves with the probe and how many transactions it sent.
 */
async function probeNodeCapacity(parameters: {
  readonly client: HttpRpcClient;
  readonly sockets: readonly WsRpcClient[];
  readonly loadSource: DaLoadSource;
  readonly outcome: ReturnType<typeof createSendOutcome>;
  readonly request: DaCapacityRequest;
  readonly settings: DaSustainedSettings;
  readonly progress: Progress | undefined;
  readonly provider: string;
}): Promise<{ probe: CapacityProbe; sent: number }> {
  const { client, sockets, loadSource, outcome, request, settings, progress, provider } = parameters;
  const { load } = loadSource;
  let sent = 0;
  let stepFrom = 0;
  let answeredBefore = 0;
  const probe = await runCapacityProbe({
    initialTxPerSecond: request.initialTxPerSecond,
    settings: request.probe,
    backlog: async () => {
      const status = await client.call<{ pool: { pending: number; queued: number } | null }>("mach_status", []);
      if (status.pool === null) throw new Error("mach_status shows no pool: the capacity probe cannot watch it");
      return status.pool.pending + status.pool.queued + outcome.outstanding();
    },
    prepare: (rate, seconds) => loadSource.ensure(sent + Math.round(rate * seconds)),
    offer: async (rate, seconds, stop) => {
      const count = Math.round(rate * seconds);
      stepFrom = sent;
      answeredBefore = outcome.accepted + outcome.rejected;
      sent = await sendOpenLoop(sockets, load, stepFrom, stepFrom + count, rate, outcome, stop);
      return sent - stepFrom;
    },
    catchUp: async (timeoutSeconds) => {
      const started = Date.now();
      const head = hexNumber((await client.call<SyncStatusJson>("mach_syncStatus", [])).headBlockNumber);
      for (;;) {
        const status = await client.call<SyncStatusJson>("mach_syncStatus", []);
        const seconds = (Date.now() - started) / 1000;
        if (hexNumber(status.safeBlockNumber) >= head || seconds >= timeoutSeconds) return seconds;
        await sleep(settings.pollMs);
      }
    },
    // A level backlog says the node kept up only if the sends reached it: every one answered, none refused.
    checkStep: async (rate) => {
      await Promise.race([outcome.settled(), sleep(10_000)]);
      const unanswered = sent - stepFrom - (outcome.accepted + outcome.rejected - answeredBefore);
      if (outcome.rejected > 0 || outcome.skipped > 0 || unanswered > 0) {
        throw new Error(
          `capacity step at ${rate} tx/s: of ${sent - stepFrom} sends, ${outcome.rejected} refused, ${outcome.skipped} skipped, ${unanswered} unanswered (first error: ${outcome.firstError ?? "none"})`,
        );
      }
    },
    onStatus: (text) => progress?.status(`DA ${provider}: ${text}`),
  });
  return { probe, sent };
}

export async function runDaSustained(parameters: RunDaSustainedParameters): Promise<DaProviderRun> {
  const { standIn, l1, settings, progress } = parameters;
  const { load } = parameters.load;
  const provider = standIn.provider;
  progress?.status(`DA ${provider}: deploying L1 contracts, starting the node`);
  const contracts = await l1.deploy();
  const node = await startMachNode({
    alloc: parameters.alloc,
    config: {
      da: standIn.nodeConfig,
      batcher: settings.batcher,
      metrics: { enabled: true, host: "127.0.0.1", port: 0 },
      settlement: {
        provider: "l1",
        options: { l1RpcUrl: l1.rpcUrl, batcherPrivateKey: l1.batcherPrivateKey, batchInbox: contracts.batchInbox },
      },
    },
  });
  const client = createHttpRpcClient(node.rpcUrl, 2);
  const sockets = await Promise.all(Array.from({ length: settings.connections }, () => connectWsRpc(node.wsUrl)));
  try {
    const outcome = createSendOutcome();
    const request = "probe" in parameters.offered ? parameters.offered : undefined;
    const capacity = request
      ? await probeNodeCapacity({
          client,
          sockets,
          loadSource: parameters.load,
          outcome,
          request,
          settings,
          progress,
          provider,
        })
      : undefined;
    const sent = capacity?.sent ?? 0;
    const offered =
      request && capacity
        ? offeredFromCapacity(capacity.probe, request.initialSource)
        : (parameters.offered as DaOfferedLoad);
    const [halfCount, peakCount] = phaseTransactionCounts(offered, settings);
    await parameters.load.ensure(sent + halfCount + peakCount);
    const probe = startProbe(client, settings);
    await sleep(settings.pollMs * 2); // a first sample before the load
    const phases = [];
    const commitmentWork = [];
    const commitmentCpu = async () =>
      node.metricsUrl === undefined
        ? undefined
        : (await scrapeMetrics(node.metricsUrl, [COMMITMENT_CPU]))[COMMITMENT_CPU];
    for (const [name, rate, from, to] of [
      ["half peak", offered.halfPeakTxPerSecond, sent, sent + halfCount],
      ["peak", offered.peakTxPerSecond, sent + halfCount, sent + halfCount + peakCount],
    ] as const) {
      progress?.status(`DA ${provider}: ${name}, ${Math.round(rate)} tx/s for ${((to - from) / rate).toFixed(0)} s`);
      const startMs = Date.now();
      const cpuBefore = await commitmentCpu();
      outcome.startPhase(name, to - from);
      await sendOpenLoop(sockets, load, from, to, rate, outcome);
      const endMs = Date.now();
      const cpuAfter = await commitmentCpu();
      phases.push({ name, startMs, endMs });
      commitmentWork.push({
        name,
        seconds: (endMs - startMs) / 1000,
        cpuSeconds: cpuBefore === undefined || cpuAfter === undefined || cpuAfter === 0 ? null : cpuAfter - cpuBefore,
      });
      if (probe.failure() !== undefined) break;
    }
    const loadEndMs = Date.now();
    const headAtEnd = probe.latest() ? hexNumber(probe.latest()?.headBlockNumber) : 0;
    progress?.status(`DA ${provider}: waiting for safe to reach block ${headAtEnd}`);
    const deadline = loadEndMs + settings.drainTimeoutSeconds * 1000;
    while (Date.now() < deadline && probe.failure() === undefined) {
      const latest = probe.latest();
      if (latest && hexNumber(latest.safeBlockNumber) >= headAtEnd) break;
      if (latest?.batcher?.state === "halted") break;
      await sleep(settings.pollMs);
    }
    await sleep(settings.statusPollMs); // the last batches' recorded times
    await probe.stop();
    await Promise.race([outcome.settled(), sleep(5_000)]);
    // Each phase closed when the next started; the last, now that every send was answered.
    outcome.closePhase();
    const batches = [...probe.batches.values()].sort((a, b) => a.fromBlock - b.fromBlock);
    const final = probe.latest()?.batcher;
    return {
      provider,
      configuration: `${standIn.configuration}; Mach node batcher ${JSON.stringify(settings.batcher)}; L1: Hardhat node (automine, chain id ${BENCH_L1_CHAIN_ID}) with Mach's contracts, settlement.provider "l1"`,
      offered,
      ...(capacity ? { capacity: capacity.probe } : {}),
      sent: {
        transactions: sent + halfCount + peakCount,
        accepted: outcome.accepted,
        rejected: outcome.rejected,
        skipped: outcome.skipped,
        stoppedSenders: outcome.stoppedSenders(),
        ...(outcome.firstError === undefined ? {} : { firstError: outcome.firstError }),
      },
      phases: analyzePhases(probe.samples, batches, phases),
      sendsByPhase: outcome.phases(),
      commitmentWork,
      drain: analyzeDrain(probe.samples, loadEndMs),
      batchesSeen: batches.length,
      batchesFailed: batches.filter((b) => b.status === "failed").length,
      batcherState: final?.state ?? "absent",
      ...(final?.error ? { batcherError: final.error } : {}),
    };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nMach node stderr:\n${node.process.stderr()}`, { cause: error });
  } finally {
    client.close();
    await Promise.all(sockets.map((socket) => socket.close()));
    await node.close();
  }
}
