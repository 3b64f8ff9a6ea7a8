/**
 * End to end, throughput: the same pre-signed transactions over `connections` HTTP keep-alive streams in JSON-RPC
 * batches, or over as many WebSockets with a window of requests in flight, senders split by index so each sender's
 * nonces stay in order; tx/s from the first send to the last receipt (receipts.ts says how that is waited for).
 */
import { keccak256Hex } from "@mach/core/chain";
import type { Progress } from "../report/progress.ts";
import { connectWsRpc, createHttpRpcClient, type HttpRpcClient, RpcError } from "../targets/rpcClient.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadTx } from "../workloads/transactions.ts";
import type { Endpoint, LoadSettings, ThroughputFigure } from "./endToEnd.ts";
import { blockNumber, noteError, type SendOutcome, toHex } from "./endToEndLoad.ts";
import { checkReceipts, LastPerSender, pollReceipts, type ReceiptCheck, type ReceiptPoll } from "./receipts.ts";

/** Splits a workload into `n` streams by sender, keeping each sender's transactions (nonces) in order. */
export function splitBySender(txs: readonly WorkloadTx[], raw: readonly Uint8Array[], n: number): Uint8Array[][] {
  const streams: Uint8Array[][] = Array.from({ length: n }, () => []);
  txs.forEach((tx, i) => {
    (streams[tx.sender % n] as Uint8Array[]).push(raw[i] as Uint8Array);
  });
  return streams.filter((s) => s.length > 0);
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

/** One throughput phase under way: its transactions prepared, what the node accepted, when and where it began. */
interface Phase {
  readonly outcome: SendOutcome;
  readonly last: LastPerSender;
  /** The node's block number before the first send. */
  readonly startBlock: number;
  readonly start: number;
  entry(raw: Uint8Array): Prepared;
  accepted(entry: Prepared): void;
}

/** Prepares the phase's transactions and reads the block number, then starts the clock. */
async function beginPhase(client: HttpRpcClient, workload: SignedWorkload): Promise<Phase> {
  const prepared = prepare(workload);
  const outcome: SendOutcome = { rejected: 0, acceptedHashes: [] };
  const last = new LastPerSender();
  const startBlock = await blockNumber(client);
  return {
    outcome,
    last,
    startBlock,
    start: performance.now(),
    entry: (raw) => prepared.get(raw) as Prepared,
    accepted(entry) {
      outcome.acceptedHashes.push(entry.hash);
      last.accepted(entry.tx, entry.hash);
    },
  };
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
  phase: Phase,
  settings: LoadSettings,
  progress?: Progress,
): Promise<ThroughputFigure> {
  const sent = performance.now();
  const poll = await pollReceipts(client, phase.last.hashes(), settings.receiptTimeoutMs, settings.pollMs, () =>
    progress?.tick(),
  );
  const toBlock = poll.lastBlock ?? (await blockNumber(client));
  const check = await checkReceipts(client, phase.outcome.acceptedHashes, phase.startBlock + 1, toBlock);
  return throughputFigure(workload.raw.length, phase.start, sent, poll, check, phase.outcome);
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
    const phase = await beginPhase(client, workload);
    await Promise.all(
      streams.map(async (stream) => {
        for (let i = 0; i < stream.length; i += settings.batchSize) {
          const chunk = stream.slice(i, i + settings.batchSize);
          const results = await client.batch(
            chunk.map((raw) => ({ method: "eth_sendRawTransaction", params: [phase.entry(raw).hex] })),
          );
          results.forEach((result, j) => {
            if (result instanceof RpcError) noteError(phase.outcome, result);
            else phase.accepted(phase.entry(chunk[j] as Uint8Array));
          });
          progress?.tick();
        }
      }),
    );
    return await awaitThroughput(client, workload, phase, settings, progress);
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
    const phase = await beginPhase(client, workload);
    await Promise.all(
      streams.map(async (stream, s) => {
        const socket = sockets[s] as Awaited<ReturnType<typeof connectWsRpc>>;
        // A window of in-flight requests per socket; requests leave in order, so nonces arrive in order.
        const inFlight = new Set<Promise<void>>();
        for (const raw of stream) {
          const entry = phase.entry(raw);
          const request = socket.call("eth_sendRawTransaction", [entry.hex]).then(
            () => phase.accepted(entry),
            (error: unknown) => noteError(phase.outcome, error),
          );
          const tracked: Promise<void> = request.finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
          if (inFlight.size >= settings.wsWindow) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
        progress?.tick();
      }),
    );
    return await awaitThroughput(client, workload, phase, settings, progress);
  } finally {
    client.close();
    await Promise.all(sockets.map((socket) => socket.close()));
  }
}
