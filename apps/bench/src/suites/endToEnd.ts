/**
 * End to end over JSON-RPC: the same pre-signed transactions sent to each node (Mach, anvil, a Hardhat node), each a
 * fresh chain from the bench world, one node at a time. Which phases a node runs is its `TargetPhases`; every phase
 * has senders of its own (see plan.ts), so a node can skip phases without leaving nonce gaps.
 *
 *   throughput, HTTP: `connections` keep-alive streams (senders split by index so each sender's nonces stay in
 *     order), each posting JSON-RPC batches of `batchSize` eth_sendRawTransaction; tx/s = transactions / (first
 *     send → the last receipt seen by polling eth_getTransactionReceipt for each sender's last transaction; then
 *     every receipt is checked, untimed: see receipts.ts).
 *   throughput, WebSocket: the same with one socket per stream and up to `wsWindow` requests in flight each.
 *   latency, light load: one transaction at a time, send → receipt, through eth_sendRawTransaction + polling every
 *     `pollMs` over HTTP keep-alive, or through one call that answers with the receipt (realtime_sendRawTransaction,
 *     eth_sendRawTransactionSync) over a WebSocket.
 *   latency, half of Mach's peak: an open loop at half the rate Mach sustained in the throughput phases (each send
 *     independent of the previous answer, so a slow node cannot slow the load down and hide its own latency), one
 *     call per transaction over `connections` WebSockets; a node that has not answered every call `graceMs` after
 *     the last send is reported as stalled, with how many it answered and how many blocks it mined.
 */
import type { Progress } from "../report/progress.ts";
import type { LatencySummary } from "../report/stats.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import { drain, measureLightLatency, measureOpenLoopLatency } from "./endToEndLatency.ts";
import { measureHttpThroughput, measureWsThroughput } from "./endToEndThroughput.ts";

export const E2E_TARGETS = [
  "mach",
  "anvil-interval",
  "anvil-automine",
  "hardhat-automine",
  "hardhat-interval",
] as const;
export type E2eTargetName = (typeof E2E_TARGETS)[number];

/** How a latency figure gets from send to receipt: send then poll, or one call that answers with the receipt. */
export const LATENCY_METHODS = [
  "eth_sendRawTransaction+poll",
  "realtime_sendRawTransaction",
  "eth_sendRawTransactionSync",
] as const;
export type LatencyMethod = (typeof LATENCY_METHODS)[number];
export type SyncMethod = Exclude<LatencyMethod, "eth_sendRawTransaction+poll">;
export type E2eWorkload = "native" | "erc20";

export interface Endpoint {
  readonly name: E2eTargetName;
  readonly rpcUrl: string;
  readonly wsUrl: string;
}

/** What one node is measured on. */
export interface TargetPhases {
  /** HTTP batches and WebSocket, native and ERC-20 transfers, first send → last receipt. */
  readonly throughput: boolean;
  /** Latency methods measured one transaction at a time. */
  readonly light: readonly LatencyMethod[];
  /** The one-call method measured open loop at half of Mach's measured peak; absent: not measured. */
  readonly halfPeak?: SyncMethod;
}

export interface ThroughputFigure {
  readonly transactions: number;
  readonly seconds: number;
  /** Mined (receipt available) per second, first send to last receipt. */
  readonly txPerSecond: number;
  /** Accepted by the node per second (the sending phase alone). */
  readonly acceptedPerSecond: number;
  readonly rejected: number;
  readonly failedReceipts: number;
  readonly missingReceipts: number;
  readonly firstError?: string;
}

export interface LatencyFigure {
  readonly method: LatencyMethod;
  readonly workload: E2eWorkload;
  /** "light": one transaction in flight at a time; "half-peak": open loop at `ratePerSecond`. */
  readonly load: "light" | "half-peak";
  /** Half-peak: the offered rate; light: the rate one-at-a-time reached. */
  readonly ratePerSecond: number;
  readonly transactions: number;
  /** Transactions whose receipt came back (or was polled) before the deadline. */
  readonly answered: number;
  /** First send → last answer (or the deadline). */
  readonly seconds: number;
  /** Blocks the node mined during the phase (eth_blockNumber before and after). */
  readonly blocks: number;
  /** Over the answered transactions; absent when none was answered. */
  readonly latency?: LatencySummary;
  /** Calls answered with an error (a rejection, or the node's own timeout). */
  readonly rejected: number;
  readonly firstError?: string;
  /** Transactions of the previous phase still without a receipt when this one started (the node had not drained). */
  readonly backlogAtStart?: number;
}

/** Whether a latency phase got every receipt: otherwise its percentiles describe survivors, not the load. */
export function heldLoad(figure: LatencyFigure): boolean {
  return figure.answered === figure.transactions;
}

export interface ThroughputPhases {
  readonly httpNative: SignedWorkload;
  readonly httpErc20: SignedWorkload;
  readonly wsNative: SignedWorkload;
  readonly wsErc20: SignedWorkload;
}

export type KindPair = { readonly native: SignedWorkload; readonly erc20: SignedWorkload };

export interface EndToEndPhases {
  readonly throughput: ThroughputPhases;
  /** One phase pair per method, each from senders of its own. */
  readonly light: Readonly<Record<LatencyMethod, KindPair>>;
  /** The same transactions for every node that runs a half-peak phase (each node is its own chain). */
  readonly halfPeak: KindPair;
}

export interface EndToEndTargetResult {
  readonly target: E2eTargetName;
  /** Short name for table cells. */
  readonly label: string;
  /** How the node was started (version, mining, gas limit, logging). */
  readonly configuration: string;
  readonly http?: { readonly native: ThroughputFigure; readonly erc20: ThroughputFigure };
  readonly ws?: { readonly native: ThroughputFigure; readonly erc20: ThroughputFigure };
  readonly latency: readonly LatencyFigure[];
  /** Phases the node was meant to run but did not, with why. */
  readonly skipped?: Readonly<Record<string, string>>;
}

export interface LoadSettings {
  readonly connections: number;
  readonly batchSize: number;
  readonly wsWindow: number;
  readonly pollMs: number;
  readonly receiptTimeoutMs: number;
}

export interface HalfPeakSettings {
  /**
   * Offered rate per workload: half of what Mach sustained. Absent: half of what this node sustained in its own
   * throughput phases (how Mach's own half-peak phase gets its rate).
   */
  readonly ratePerSecond?: Readonly<Record<E2eWorkload, number>>;
  /** How long after the last send the phase waits for the last answers. */
  readonly graceMs: number;
}

/** Half of the better of a node's HTTP and WebSocket throughput, per workload; undefined when it has none. */
export function halfPeakRates(result: {
  readonly http?: EndToEndTargetResult["http"] | undefined;
  readonly ws?: EndToEndTargetResult["ws"] | undefined;
}): Readonly<Record<E2eWorkload, number>> | undefined {
  const { http, ws } = result;
  if (http === undefined || ws === undefined) return undefined;
  const half = (kind: E2eWorkload) => Math.max(http[kind].txPerSecond, ws[kind].txPerSecond) / 2;
  const rates = { native: half("native"), erc20: half("erc20") };
  return rates.native > 0 && rates.erc20 > 0 ? rates : undefined;
}
export interface RunEndToEndTargetParameters {
  readonly endpoint: Endpoint;
  /** Short name for table cells. */
  readonly label: string;
  readonly configuration: string;
  readonly phases: TargetPhases;
  readonly workloads: EndToEndPhases;
  readonly settings: LoadSettings;
  readonly halfPeak: HalfPeakSettings;
  readonly progress?: Progress;
}

/**
 * Runs a node's phases in the fixed order: throughput, light-load latency, then the half-peak load (last: a node
 * that stalls under it leaves transactions pending).
 */
export async function runEndToEndTarget(parameters: RunEndToEndTargetParameters): Promise<EndToEndTargetResult> {
  const { endpoint, phases, workloads, settings, halfPeak, progress } = parameters;
  let http: EndToEndTargetResult["http"];
  let ws: EndToEndTargetResult["ws"];
  if (phases.throughput) {
    const t = workloads.throughput;
    progress?.status(`end to end: ${endpoint.name}, HTTP batches, native`);
    const httpNative = await measureHttpThroughput(endpoint, t.httpNative, settings, progress);
    progress?.status(`end to end: ${endpoint.name}, HTTP batches, ERC-20`);
    const httpErc20 = await measureHttpThroughput(endpoint, t.httpErc20, settings, progress);
    progress?.status(`end to end: ${endpoint.name}, WebSocket, native`);
    const wsNative = await measureWsThroughput(endpoint, t.wsNative, settings, progress);
    progress?.status(`end to end: ${endpoint.name}, WebSocket, ERC-20`);
    const wsErc20 = await measureWsThroughput(endpoint, t.wsErc20, settings, progress);
    http = { native: httpNative, erc20: httpErc20 };
    ws = { native: wsNative, erc20: wsErc20 };
  }
  const latency: LatencyFigure[] = [];
  for (const method of phases.light) {
    progress?.status(`end to end: ${endpoint.name}, one at a time, ${method}`);
    for (const kind of ["native", "erc20"] as const)
      latency.push(await measureLightLatency(endpoint, method, kind, workloads.light[method][kind], settings));
  }
  const skipped: Record<string, string> = {};
  if (phases.halfPeak !== undefined) {
    const rates = halfPeak.ratePerSecond ?? halfPeakRates({ http, ws });
    if (rates === undefined) skipped.halfPeak = "Mach's peak throughput was not measured in this run";
    else {
      let backlog = 0;
      for (const kind of ["native", "erc20"] as const) {
        const rate = rates[kind];
        progress?.status(
          `end to end: ${endpoint.name}, ${phases.halfPeak} at ${rate.toFixed(0)} tx/s (half Mach's peak)`,
        );
        const { figure, unanswered } = await measureOpenLoopLatency(
          endpoint,
          phases.halfPeak,
          kind,
          workloads.halfPeak[kind],
          rate,
          { ...settings, graceMs: halfPeak.graceMs },
        );
        latency.push(backlog > 0 ? { ...figure, backlogAtStart: backlog } : figure);
        // A node that fell behind works through its backlog before the next phase (for up to `graceMs` more), so
        // the next phase measures its own load; what is still pending then is reported beside that phase.
        backlog = unanswered.length === 0 ? 0 : await drain(endpoint, unanswered, halfPeak.graceMs, settings.pollMs);
      }
    }
  }
  return {
    target: endpoint.name,
    label: parameters.label,
    configuration: parameters.configuration,
    ...(http ? { http } : {}),
    ...(ws ? { ws } : {}),
    latency,
    ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
  };
}
