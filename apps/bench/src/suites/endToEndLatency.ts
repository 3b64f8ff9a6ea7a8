/**
 * End to end, latency: one transaction at a time (send + poll, or one call that answers with the receipt), and an
 * open loop at a fixed rate whatever the node answers, with a deadline past which a node counts as stalled.
 */
import { keccak256Hex } from "@mach/core/chain";
import { summarizeLatencies } from "../report/stats.ts";
import { connectWsRpc, createHttpRpcClient, type HttpRpcClient, type WsRpcClient } from "../targets/rpcClient.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadTx } from "../workloads/transactions.ts";
import type { E2eWorkload, Endpoint, LatencyFigure, LatencyMethod, LoadSettings, SyncMethod } from "./endToEnd.ts";
import { blockNumber, noteError, type SendOutcome, sleep, toHex } from "./endToEndLoad.ts";
import { isReceipt, pollReceipts } from "./receipts.ts";

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
  if (!isReceipt(answer)) throw new Error(`${method} answered without a receipt: ${JSON.stringify(answer)}`);
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
              if (!isReceipt(answer)) noteError(outcome, new Error(`${method} answered without a receipt`));
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
export async function drain(endpoint: Endpoint, hashes: readonly string[], timeoutMs: number, pollMs: number) {
  const client = createHttpRpcClient(endpoint.rpcUrl, 1);
  try {
    return (await pollReceipts(client, hashes, timeoutMs, pollMs)).missing.length;
  } finally {
    client.close();
  }
}
