/**
 * End to end over JSON-RPC: the same pre-signed transactions sent to a Mach sequencer node and to a Hardhat node
 * (automine, and interval mining), each a fresh chain from the bench world.
 *
 *   throughput, HTTP: `connections` streams (senders split by index so each sender's nonces stay in order), each
 *     posting JSON-RPC batches of `batchSize` eth_sendRawTransaction; tx/s = transactions / (first send → last
 *     receipt observed by polling eth_getTransactionReceipt).
 *   throughput, WebSocket: the same with one socket per stream and up to `wsWindow` requests in flight each.
 *   latency: an open loop at `latencyRate` tx/s (each send independent of the previous answer, so a slow node
 *     cannot slow the load down and hide its own latency); send → receipt through eth_sendRawTransaction + polling
 *     every `pollMs` (all targets) and through realtime_sendRawTransaction over WebSocket (Mach only; it answers
 *     with the receipt).
 */
import { keccak256Hex } from "@mach/core/chain";
import type { Progress } from "../report/progress.ts";
import { type LatencySummary, summarizeLatencies } from "../report/stats.ts";
import { connectWsRpc, createHttpRpcClient, type HttpRpcClient, RpcError } from "../targets/rpcClient.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadTx } from "../workloads/transactions.ts";

export const E2E_TARGETS = ["mach", "hardhat-automine", "hardhat-interval"] as const;
export type E2eTargetName = (typeof E2E_TARGETS)[number];

export interface Endpoint {
  readonly name: E2eTargetName;
  readonly rpcUrl: string;
  readonly wsUrl: string;
  /** Whether the node answers realtime_sendRawTransaction. */
  readonly realtime: boolean;
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

export interface LatencyFigure extends LatencySummary {
  readonly method: "eth_sendRawTransaction+poll" | "realtime_sendRawTransaction";
  readonly ratePerSecond: number;
  readonly rejected: number;
  readonly firstError?: string;
}

export interface EndToEndPhases {
  readonly httpNative: SignedWorkload;
  readonly httpErc20: SignedWorkload;
  readonly wsNative: SignedWorkload;
  readonly wsErc20: SignedWorkload;
  readonly latencyNative: SignedWorkload;
  readonly latencyErc20: SignedWorkload;
  /** Sent last, to Mach only (Hardhat has no realtime method), so the phases before stay identical. */
  readonly realtimeNative: SignedWorkload;
  readonly realtimeErc20: SignedWorkload;
}

export interface EndToEndTargetResult {
  readonly target: E2eTargetName;
  readonly http: { readonly native: ThroughputFigure; readonly erc20: ThroughputFigure };
  readonly ws: { readonly native: ThroughputFigure; readonly erc20: ThroughputFigure };
  readonly latency: {
    readonly native: LatencyFigure;
    readonly erc20: LatencyFigure;
    readonly realtimeNative?: LatencyFigure;
    readonly realtimeErc20?: LatencyFigure;
  };
}

export interface LoadSettings {
  readonly connections: number;
  readonly batchSize: number;
  readonly wsWindow: number;
  readonly latencyRate: number;
  readonly pollMs: number;
  readonly receiptTimeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Splits a workload into `n` streams by sender, keeping each sender's transactions (nonces) in order. */
export function splitBySender(txs: readonly WorkloadTx[], raw: readonly Uint8Array[], n: number): Uint8Array[][] {
  const streams: Uint8Array[][] = Array.from({ length: n }, () => []);
  txs.forEach((tx, i) => {
    (streams[tx.sender % n] as Uint8Array[]).push(raw[i] as Uint8Array);
  });
  return streams.filter((s) => s.length > 0);
}

const toHex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

interface SendOutcome {
  rejected: number;
  firstError?: string;
  acceptedHashes: string[];
}

function noteError(outcome: SendOutcome, error: unknown): void {
  outcome.rejected++;
  outcome.firstError ??= error instanceof Error ? error.message : String(error);
}

interface ReceiptWait {
  readonly endMs: number;
  readonly failed: number;
  readonly missing: number;
}

/** Polls receipts (batches of 500) until all exist or the timeout passes; returns when the last one was seen. */
async function waitForReceipts(
  client: HttpRpcClient,
  hashes: readonly string[],
  timeoutMs: number,
  pollMs: number,
  onPoll?: () => void,
): Promise<ReceiptWait> {
  let missing = [...hashes];
  let failed = 0;
  let endMs = performance.now();
  const deadline = performance.now() + timeoutMs;
  while (missing.length > 0 && performance.now() < deadline) {
    const still: string[] = [];
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const results = await client.batch(
        chunk.map((hash) => ({ method: "eth_getTransactionReceipt", params: [hash] })),
      );
      results.forEach((receipt, j) => {
        if (receipt === null || receipt === undefined || receipt instanceof RpcError) still.push(chunk[j] as string);
        else if ((receipt as { status?: string }).status !== "0x1") failed++;
      });
    }
    if (still.length < missing.length) endMs = performance.now();
    missing = still;
    onPoll?.();
    if (missing.length > 0) await sleep(pollMs);
  }
  return { endMs, failed, missing: missing.length };
}

function throughputFigure(
  n: number,
  startMs: number,
  sentMs: number,
  wait: ReceiptWait,
  outcome: SendOutcome,
): ThroughputFigure {
  const seconds = (wait.endMs - startMs) / 1000;
  return {
    transactions: n,
    seconds,
    txPerSecond: wait.missing === 0 ? outcome.acceptedHashes.length / seconds : 0,
    acceptedPerSecond: outcome.acceptedHashes.length / ((sentMs - startMs) / 1000),
    rejected: outcome.rejected,
    failedReceipts: wait.failed,
    missingReceipts: wait.missing,
    ...(outcome.firstError === undefined ? {} : { firstError: outcome.firstError }),
  };
}

export async function measureHttpThroughput(
  endpoint: Endpoint,
  workload: SignedWorkload,
  settings: LoadSettings,
  progress?: Progress,
): Promise<ThroughputFigure> {
  const client = createHttpRpcClient(endpoint.rpcUrl, settings.connections + 1);
  try {
    const streams = splitBySender(workload.txs, workload.raw, settings.connections);
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    const start = performance.now();
    await Promise.all(
      streams.map(async (stream) => {
        for (let i = 0; i < stream.length; i += settings.batchSize) {
          const chunk = stream.slice(i, i + settings.batchSize);
          const results = await client.batch(
            chunk.map((raw) => ({ method: "eth_sendRawTransaction", params: [toHex(raw)] })),
          );
          results.forEach((result, j) => {
            if (result instanceof RpcError) noteError(outcome, result);
            else outcome.acceptedHashes.push(keccak256Hex(chunk[j] as Uint8Array));
          });
          progress?.tick();
        }
      }),
    );
    const sent = performance.now();
    const wait = await waitForReceipts(client, outcome.acceptedHashes, settings.receiptTimeoutMs, settings.pollMs, () =>
      progress?.tick(),
    );
    return throughputFigure(workload.raw.length, start, sent, wait, outcome);
  } finally {
    client.close();
  }
}

export async function measureWsThroughput(
  endpoint: Endpoint,
  workload: SignedWorkload,
  settings: LoadSettings,
  progress?: Progress,
): Promise<ThroughputFigure> {
  const streams = splitBySender(workload.txs, workload.raw, settings.connections);
  const sockets = await Promise.all(streams.map(() => connectWsRpc(endpoint.wsUrl)));
  const client = createHttpRpcClient(endpoint.rpcUrl, 2);
  try {
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    const start = performance.now();
    await Promise.all(
      streams.map(async (stream, s) => {
        const socket = sockets[s] as Awaited<ReturnType<typeof connectWsRpc>>;
        // A window of in-flight requests per socket; requests leave in order, so nonces arrive in order.
        const inFlight = new Set<Promise<void>>();
        for (const raw of stream) {
          const request = socket.call("eth_sendRawTransaction", [toHex(raw)]).then(
            () => {
              outcome.acceptedHashes.push(keccak256Hex(raw));
            },
            (error: unknown) => noteError(outcome, error),
          );
          const tracked: Promise<void> = request.finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
          if (inFlight.size >= settings.wsWindow) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
        progress?.tick();
      }),
    );
    const sent = performance.now();
    const wait = await waitForReceipts(client, outcome.acceptedHashes, settings.receiptTimeoutMs, settings.pollMs, () =>
      progress?.tick(),
    );
    return throughputFigure(workload.raw.length, start, sent, wait, outcome);
  } finally {
    client.close();
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

/** Open-loop latency: one transaction every 1000/rate ms, each sent then polled for its receipt. */
export async function measurePollLatency(
  endpoint: Endpoint,
  workload: SignedWorkload,
  settings: LoadSettings,
): Promise<LatencyFigure> {
  const client = createHttpRpcClient(endpoint.rpcUrl, 64);
  try {
    const samples: number[] = [];
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    const start = performance.now();
    await Promise.all(
      workload.raw.map(async (raw, i) => {
        const due = start + (i * 1000) / settings.latencyRate;
        await sleep(Math.max(0, due - performance.now()));
        const sentAt = performance.now();
        try {
          await client.call("eth_sendRawTransaction", [toHex(raw)]);
        } catch (error) {
          noteError(outcome, error);
          return;
        }
        const hash = keccak256Hex(raw);
        const deadline = sentAt + settings.receiptTimeoutMs;
        while (performance.now() < deadline) {
          const receipt = await client.call("eth_getTransactionReceipt", [hash]);
          if (receipt !== null) {
            samples.push(performance.now() - sentAt);
            return;
          }
          await sleep(settings.pollMs);
        }
        noteError(outcome, new Error(`no receipt for ${hash} within ${settings.receiptTimeoutMs} ms`));
      }),
    );
    return latencyFigure("eth_sendRawTransaction+poll", samples, settings, outcome);
  } finally {
    client.close();
  }
}

/** Open-loop latency through realtime_sendRawTransaction over one WebSocket (the answer is the receipt). */
export async function measureRealtimeLatency(
  endpoint: Endpoint,
  workload: SignedWorkload,
  settings: LoadSettings,
): Promise<LatencyFigure> {
  const socket = await connectWsRpc(endpoint.wsUrl);
  try {
    const samples: number[] = [];
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    const start = performance.now();
    await Promise.all(
      workload.raw.map(async (raw, i) => {
        const due = start + (i * 1000) / settings.latencyRate;
        await sleep(Math.max(0, due - performance.now()));
        const sentAt = performance.now();
        try {
          const receipt = (await socket.call("realtime_sendRawTransaction", [toHex(raw)])) as {
            status?: string;
          } | null;
          if (receipt?.status === undefined) throw new Error(`realtime_sendRawTransaction answered without a receipt`);
          samples.push(performance.now() - sentAt);
        } catch (error) {
          noteError(outcome, error);
        }
      }),
    );
    return latencyFigure("realtime_sendRawTransaction", samples, settings, outcome);
  } finally {
    await socket.close();
  }
}

function latencyFigure(
  method: LatencyFigure["method"],
  samples: number[],
  settings: LoadSettings,
  outcome: SendOutcome,
): LatencyFigure {
  if (samples.length === 0)
    throw new Error(`${method}: no transaction got a receipt (first error: ${outcome.firstError})`);
  return {
    method,
    ratePerSecond: settings.latencyRate,
    ...summarizeLatencies(samples),
    rejected: outcome.rejected,
    ...(outcome.firstError === undefined ? {} : { firstError: outcome.firstError }),
  };
}

/** Runs every phase against one fresh node, in the fixed order (nonces continue from phase to phase). */
export async function runEndToEndTarget(
  endpoint: Endpoint,
  phases: EndToEndPhases,
  settings: LoadSettings,
  progress?: Progress,
): Promise<EndToEndTargetResult> {
  progress?.status(`end to end: ${endpoint.name}, HTTP batches, native`);
  const httpNative = await measureHttpThroughput(endpoint, phases.httpNative, settings, progress);
  progress?.status(`end to end: ${endpoint.name}, HTTP batches, ERC-20`);
  const httpErc20 = await measureHttpThroughput(endpoint, phases.httpErc20, settings, progress);
  progress?.status(`end to end: ${endpoint.name}, WebSocket, native`);
  const wsNative = await measureWsThroughput(endpoint, phases.wsNative, settings, progress);
  progress?.status(`end to end: ${endpoint.name}, WebSocket, ERC-20`);
  const wsErc20 = await measureWsThroughput(endpoint, phases.wsErc20, settings, progress);
  progress?.status(`end to end: ${endpoint.name}, latency (send + poll)`);
  const latencyNative = await measurePollLatency(endpoint, phases.latencyNative, settings);
  const latencyErc20 = await measurePollLatency(endpoint, phases.latencyErc20, settings);
  let realtime: { realtimeNative?: LatencyFigure; realtimeErc20?: LatencyFigure } = {};
  if (endpoint.realtime) {
    progress?.status(`end to end: ${endpoint.name}, latency (realtime_sendRawTransaction)`);
    realtime = {
      realtimeNative: await measureRealtimeLatency(endpoint, phases.realtimeNative, settings),
      realtimeErc20: await measureRealtimeLatency(endpoint, phases.realtimeErc20, settings),
    };
  }
  return {
    target: endpoint.name,
    http: { native: httpNative, erc20: httpErc20 },
    ws: { native: wsNative, erc20: wsErc20 },
    latency: { native: latencyNative, erc20: latencyErc20, ...realtime },
  };
}
