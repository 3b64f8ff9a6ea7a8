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
import { keccak256Hex } from "@mach/core/chain";
import type { Progress } from "../report/progress.ts";
import { type LatencySummary, summarizeLatencies } from "../report/stats.ts";
import {
  connectWsRpc,
  createHttpRpcClient,
  type HttpRpcClient,
  RpcError,
  type WsRpcClient,
} from "../targets/rpcClient.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadTx } from "../workloads/transactions.ts";
import { checkReceipts, LastPerSender, pollReceipts, type ReceiptCheck, type ReceiptPoll } from "./receipts.ts";

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const blockNumber = async (client: HttpRpcClient) => Number(await client.call<string>("eth_blockNumber", []));

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

/** A pre-signed transaction as it goes on the wire, with its hash and workload entry (computed before any timer). */
interface Prepared {
  readonly hex: string;
  readonly hash: string;
  readonly tx: WorkloadTx;
}

/** Each raw transaction prepared, so the load generator spends its time sending, not encoding or hashing. */
const prepare = (workload: SignedWorkload): ReadonlyMap<Uint8Array, Prepared> =>
  new Map(
    workload.raw.map(
      (raw, i) => [raw, { hex: toHex(raw), hash: keccak256Hex(raw), tx: workload.txs[i] as WorkloadTx }] as const,
    ),
  );

function accepted(outcome: SendOutcome, last: LastPerSender, prepared: Prepared): void {
  outcome.acceptedHashes.push(prepared.hash);
  last.accepted(prepared.tx, prepared.hash);
}

function noteError(outcome: SendOutcome, error: unknown): void {
  outcome.rejected++;
  outcome.firstError ??= error instanceof Error ? error.message : String(error);
}

function throughputFigure(
  n: number,
  startMs: number,
  sentMs: number,
  poll: ReceiptPoll,
  check: ReceiptCheck,
  outcome: SendOutcome,
): ThroughputFigure {
  const seconds = (poll.endMs - startMs) / 1000;
  const complete = poll.missing.length === 0 && check.missing === 0;
  return {
    transactions: n,
    seconds,
    txPerSecond: complete ? outcome.acceptedHashes.length / seconds : 0,
    acceptedPerSecond: outcome.acceptedHashes.length / ((sentMs - startMs) / 1000),
    rejected: outcome.rejected,
    failedReceipts: check.failed,
    missingReceipts: Math.max(poll.missing.length, check.missing),
    ...(outcome.firstError === undefined ? {} : { firstError: outcome.firstError }),
  };
}

/**
 * After the sends: the timed wait for each sender's last receipt, then every receipt checked untimed (receipts.ts).
 */
async function awaitThroughput(
  client: HttpRpcClient,
  workload: SignedWorkload,
  startBlock: number,
  start: number,
  outcome: SendOutcome,
  last: LastPerSender,
  settings: LoadSettings,
  progress?: Progress,
): Promise<ThroughputFigure> {
  const sent = performance.now();
  const poll = await pollReceipts(client, last.hashes(), settings.receiptTimeoutMs, settings.pollMs, () =>
    progress?.tick(),
  );
  const toBlock = poll.lastBlock ?? (await blockNumber(client));
  const check = await checkReceipts(client, outcome.acceptedHashes, startBlock + 1, toBlock);
  return throughputFigure(workload.raw.length, start, sent, poll, check, outcome);
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
    const prepared = prepare(workload);
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    const last = new LastPerSender();
    const startBlock = await blockNumber(client);
    const start = performance.now();
    await Promise.all(
      streams.map(async (stream) => {
        for (let i = 0; i < stream.length; i += settings.batchSize) {
          const chunk = stream.slice(i, i + settings.batchSize);
          const results = await client.batch(
            chunk.map((raw) => ({ method: "eth_sendRawTransaction", params: [(prepared.get(raw) as Prepared).hex] })),
          );
          results.forEach((result, j) => {
            if (result instanceof RpcError) noteError(outcome, result);
            else accepted(outcome, last, prepared.get(chunk[j] as Uint8Array) as Prepared);
          });
          progress?.tick();
        }
      }),
    );
    return await awaitThroughput(client, workload, startBlock, start, outcome, last, settings, progress);
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
    const prepared = prepare(workload);
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    const last = new LastPerSender();
    const startBlock = await blockNumber(client);
    const start = performance.now();
    await Promise.all(
      streams.map(async (stream, s) => {
        const socket = sockets[s] as Awaited<ReturnType<typeof connectWsRpc>>;
        // A window of in-flight requests per socket; requests leave in order, so nonces arrive in order.
        const inFlight = new Set<Promise<void>>();
        for (const raw of stream) {
          const entry = prepared.get(raw) as Prepared;
          const request = socket.call("eth_sendRawTransaction", [entry.hex]).then(
            () => accepted(outcome, last, entry),
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
    return await awaitThroughput(client, workload, startBlock, start, outcome, last, settings, progress);
  } finally {
    client.close();
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

function hasReceipt(answer: unknown): boolean {
  return typeof (answer as { status?: unknown } | null)?.status === "string";
}

interface LatencyRun {
  readonly samples: number[];
  readonly outcome: SendOutcome;
  readonly seconds: number;
}

function latencyFigure(
  method: LatencyMethod,
  workload: E2eWorkload,
  load: LatencyFigure["load"],
  ratePerSecond: number,
  transactions: number,
  blocks: number,
  run: LatencyRun,
): LatencyFigure {
  return {
    method,
    workload,
    load,
    ratePerSecond,
    transactions,
    answered: run.samples.length,
    seconds: run.seconds,
    blocks,
    ...(run.samples.length === 0 ? {} : { latency: summarizeLatencies(run.samples) }),
    rejected: run.outcome.rejected,
    ...(run.outcome.firstError === undefined ? {} : { firstError: run.outcome.firstError }),
  };
}

/** One at a time: each transaction's `sendUntilReceipt` (which throws when it gets none) before the next leaves. */
async function oneAtATime(
  raws: readonly Uint8Array[],
  sendUntilReceipt: (raw: Uint8Array) => Promise<void>,
): Promise<LatencyRun> {
  const samples: number[] = [];
  const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
  const start = performance.now();
  for (const raw of raws) {
    const sentAt = performance.now();
    try {
      await sendUntilReceipt(raw);
      samples.push(performance.now() - sentAt);
    } catch (error) {
      noteError(outcome, error);
    }
  }
  return { samples, outcome, seconds: (performance.now() - start) / 1000 };
}

/** eth_sendRawTransaction, then eth_getTransactionReceipt every `pollMs` until it exists (same HTTP connection). */
async function sendAndPoll(client: HttpRpcClient, raw: Uint8Array, settings: LoadSettings): Promise<void> {
  await client.call("eth_sendRawTransaction", [toHex(raw)]);
  const hash = keccak256Hex(raw);
  const deadline = performance.now() + settings.receiptTimeoutMs;
  while (performance.now() < deadline) {
    if ((await client.call("eth_getTransactionReceipt", [hash])) !== null) return;
    await sleep(settings.pollMs);
  }
  throw new Error(`no receipt for ${hash} within ${settings.receiptTimeoutMs} ms`);
}

/** One call that answers with the receipt. */
async function sendSync(socket: WsRpcClient, method: SyncMethod, raw: Uint8Array): Promise<void> {
  const answer = await socket.call(method, [toHex(raw)]);
  if (!hasReceipt(answer)) throw new Error(`${method} answered without a receipt: ${JSON.stringify(answer)}`);
}

/** Light load: one transaction in flight at a time, `method` from send to receipt. */
export async function measureLightLatency(
  endpoint: Endpoint,
  method: LatencyMethod,
  workload: E2eWorkload,
  signed: SignedWorkload,
  settings: LoadSettings,
): Promise<LatencyFigure> {
  const client = createHttpRpcClient(endpoint.rpcUrl, 1);
  try {
    const before = await blockNumber(client);
    let run: LatencyRun;
    if (method === "eth_sendRawTransaction+poll")
      run = await oneAtATime(signed.raw, (raw) => sendAndPoll(client, raw, settings));
    else {
      const socket = await connectWsRpc(endpoint.wsUrl);
      try {
        run = await oneAtATime(signed.raw, (raw) => sendSync(socket, method, raw));
      } finally {
        await socket.close();
      }
    }
    const blocks = (await blockNumber(client)) - before;
    if (run.samples.length === 0)
      throw new Error(
        `${endpoint.name} ${method}: no transaction got a receipt (first error: ${run.outcome.firstError})`,
      );
    return latencyFigure(method, workload, "light", run.samples.length / run.seconds, signed.raw.length, blocks, run);
  } finally {
    client.close();
  }
}

/**
 * Open loop at `ratePerSecond`: transaction i leaves at start + i / rate on the socket of its sender (so a sender's
 * nonces arrive in order), whatever the node has answered; send → answer per transaction. Stops waiting `graceMs`
 * after the last send: what is unanswered by then counts as not answered (the node stalled).
 */
export async function measureOpenLoopLatency(
  endpoint: Endpoint,
  method: SyncMethod,
  workload: E2eWorkload,
  signed: SignedWorkload,
  ratePerSecond: number,
  settings: LoadSettings & { readonly graceMs: number },
): Promise<{ readonly figure: LatencyFigure; readonly unanswered: readonly string[] }> {
  const client = createHttpRpcClient(endpoint.rpcUrl, 1);
  const socketCount = Math.min(settings.connections, Math.max(1, new Set(signed.txs.map((t) => t.sender)).size));
  const sockets = await Promise.all(Array.from({ length: socketCount }, () => connectWsRpc(endpoint.wsUrl)));
  try {
    const before = await blockNumber(client);
    const samples: number[] = [];
    const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
    let finished = false;
    let lastAnswerMs = 0;
    const calls: Promise<void>[] = [];
    const answered = new Set<number>();
    const intervalMs = 1000 / ratePerSecond;
    const start = performance.now();
    let i = 0;
    while (i < signed.raw.length) {
      const now = performance.now();
      for (; i < signed.raw.length && start + i * intervalMs <= now; i++) {
        const index = i;
        const raw = signed.raw[i] as Uint8Array;
        const socket = sockets[(signed.txs[i] as WorkloadTx).sender % socketCount] as WsRpcClient;
        const sentAt = performance.now();
        calls.push(
          socket.call(method, [toHex(raw)]).then(
            (answer) => {
              if (finished) return;
              if (!hasReceipt(answer)) noteError(outcome, new Error(`${method} answered without a receipt`));
              else {
                lastAnswerMs = performance.now();
                samples.push(lastAnswerMs - sentAt);
                answered.add(index);
              }
            },
            (error: unknown) => {
              // After the deadline the sockets close and every unanswered call fails: those count as unanswered.
              if (!finished) noteError(outcome, error);
            },
          ),
        );
      }
      if (i < signed.raw.length) await sleep(Math.max(0, start + i * intervalMs - performance.now()));
    }
    const everyAnswer = Promise.all(calls).then(() => true);
    const answeredAll = await Promise.race([everyAnswer, sleep(settings.graceMs).then(() => false)]);
    finished = true;
    const endMs = answeredAll ? lastAnswerMs : performance.now();
    const blocks = (await blockNumber(client)) - before;
    const run: LatencyRun = { samples, outcome, seconds: (Math.max(endMs, start) - start) / 1000 };
    const unanswered = signed.raw.flatMap((raw, index) => (answered.has(index) ? [] : [keccak256Hex(raw)]));
    return {
      figure: latencyFigure(method, workload, "half-peak", ratePerSecond, signed.raw.length, blocks, run),
      unanswered,
    };
  } finally {
    client.close();
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}

/** Waits (up to `timeoutMs`) for receipts of `hashes`; returns how many are still missing. */
async function drain(endpoint: Endpoint, hashes: readonly string[], timeoutMs: number, pollMs: number) {
  const client = createHttpRpcClient(endpoint.rpcUrl, 1);
  try {
    return (await pollReceipts(client, hashes, timeoutMs, pollMs)).missing.length;
  } finally {
    client.close();
  }
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
