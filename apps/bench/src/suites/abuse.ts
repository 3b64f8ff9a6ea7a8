/**
 * The abuse suite (issue 16): one Mach node under a steady realtime load, abused phase by phase as a hostile or
 * careless client would, reporting for each phase the load's send → receipt p50/p99 and the largest gap between
 * mini-blocks (from the `miniBlocks` stream's sequencer timestamps), next to the same figures at rest.
 *
 *   rest             the steady load alone
 *   eth_call ×1      one runaway eth_call (a 4-byte loop, no gas given) at a time, re-sent when answered
 *   eth_call ×16     sixteen of them, half eth_estimateGas, re-sent when answered
 *   pool flood       fresh senders funded for one transfer park future-nonce transfers; then a legitimate transfer
 *                    with a 50× tip must land (its send → receipt is reported)
 *   100-tx batches   one sender's 100 consecutive nonces in one JSON-RPC batch, repeated
 *   paused readers   200 WebSockets subscribed to miniBlocks / stateChanges / newPendingTransactions that stop reading
 *   slowloris        200 connections that send half a request's headers and nothing more
 */
import { existsSync, readFileSync } from "node:fs";
import { connect as connectTcp, type Socket } from "node:net";
import { type Hex, parseGwei } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import type { Progress } from "../report/progress.ts";
import { startMachNode } from "../targets/machNode.ts";
import type { Alloc } from "../workloads/world.ts";
import { BENCH_CHAIN_ID } from "../workloads/world.ts";

export const ABUSE_PHASES = [
  "rest",
  "eth_call ×1",
  "eth_call ×16",
  "pool flood",
  "100-tx batches",
  "paused readers",
  "slowloris",
  "rest again",
] as const;
export type AbusePhase = (typeof ABUSE_PHASES)[number];

/** The phases a variant of the read configuration runs (the hostile calls, between two rests). */
export const READ_VARIANT_PHASES: readonly AbusePhase[] = ["rest", "eth_call ×1", "eth_call ×16", "rest again"];

/** A node configuration the hostile-call phases are also run with, to compare where reads execute. */
export interface AbuseVariant {
  readonly label: string;
  /** Merged into the node's `rpc` config. */
  readonly rpc: Readonly<Record<string, unknown>>;
}

export interface AbuseSettings {
  /** How long each phase's load is measured. */
  readonly phaseMs: number;
  /** Steady-load senders, one transaction at a time each. */
  readonly loadSenders: number;
  readonly flood: { readonly senders: number; readonly parkedPerSender: number };
  /** Read configurations run through `READ_VARIANT_PHASES` after the default one ran every phase. */
  readonly variants: readonly AbuseVariant[];
}

export interface AbusePhaseResult {
  /** The node configuration: "default" or a variant's label. */
  readonly variant: string;
  readonly phase: AbusePhase;
  readonly receipts: number;
  readonly failures: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Largest gap between consecutive mini-blocks during the phase (sequencer timestamps). */
  readonly maxMiniBlockGapMs: number | null;
  /** The node's resident memory at the phase's end (MiB), from /proc; null where /proc is not there. */
  readonly nodeRssMiB: number | null;
  /** Pool flood: the legitimate transfer's send → receipt, or null when it did not land. */
  readonly legitimateMs?: number | null;
  /** What the abuse itself saw (answers by kind). */
  readonly abuse: Readonly<Record<string, number>>;
}

export interface AbuseResult {
  /** The default node configuration; variants add their label to it. */
  readonly configuration: string;
  readonly settings: AbuseSettings;
  readonly phases: readonly AbusePhaseResult[];
}

const FEE = parseGwei("1");
const LOOP = "0x00000000000000000000000000000000000000c0";
const HOSTILE = [{ to: LOOP }, "latest", { [LOOP]: { code: "0x5b600056" } }];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const keyOf = (index: number): Hex => `0x${(0x5eed0000 + index).toString(16).padStart(64, "0")}`;

/** One JSON-RPC request; an answer that is not JSON (a 408 from a node too busy to read it) becomes an error. */
async function rpc(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.headers.get("content-type")?.includes("application/json")) return JSON.parse(text);
  return { error: { code: -response.status, message: `HTTP ${response.status}` } };
}

const request = (method: string, params: unknown[], id = 1) => ({ jsonrpc: "2.0", id, method, params });

function sign(account: PrivateKeyAccount, nonce: number, fields: { tip?: bigint; to?: Hex; value?: bigint } = {}) {
  return account.signTransaction({
    chainId: Number(BENCH_CHAIN_ID),
    type: "eip1559",
    nonce,
    to: fields.to ?? "0x000000000000000000000000000000000000beef",
    value: fields.value ?? 1n,
    gas: 21_000n,
    maxFeePerGas: FEE * 100n,
    maxPriorityFeePerGas: fields.tip ?? 1n,
  });
}

function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

/** The steady realtime load: `senders` loops, one transaction at a time each, latencies per phase. */
function steadyLoad(rpcUrl: string, accounts: readonly PrivateKeyAccount[]) {
  let latencies: number[] = [];
  let failures = 0;
  let stopped = false;
  const loops = accounts.map(async (account) => {
    for (let nonce = 0; !stopped; nonce++) {
      const raw = await sign(account, nonce);
      const started = performance.now();
      const answer = (await rpc(rpcUrl, request("realtime_sendRawTransaction", [raw]))) as { result?: unknown };
      if (answer.result === undefined) {
        failures++;
        return;
      }
      latencies.push(performance.now() - started);
    }
  });
  return {
    take() {
      const taken = { latencies, failures };
      latencies = [];
      failures = 0;
      return taken;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Mini-block sequencer timestamps (µs) from the `miniBlocks` stream. */
async function miniBlockClock(wsUrl: string) {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let stamps: number[] = [];
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { params?: { result?: { mini_block_timestamp?: string } } };
    const stamp = message.params?.result?.mini_block_timestamp;
    if (stamp !== undefined) stamps.push(Number(BigInt(stamp)) / 1000);
  });
  ws.send(JSON.stringify(request("eth_subscribe", ["miniBlocks"])));
  return {
    takeMaxGapMs(): number | null {
      let max: number | null = null;
      for (let i = 1; i < stamps.length; i++) {
        const gap = (stamps[i] as number) - (stamps[i - 1] as number);
        if (max === null || gap > max) max = gap;
      }
      stamps = stamps.slice(-1);
      return max;
    },
    close: () => ws.terminate(),
  };
}

interface Abuse {
  /** Runs until `stop` resolves; returns what it saw. */
  run(until: Promise<void>): Promise<Record<string, number>>;
}

function countAnswer(seen: Record<string, number>, answer: unknown): void {
  const error = (answer as { error?: { code: number; message: string } }).error;
  const key = error === undefined ? "ok" : `${error.code} ${error.message.split(":")[0]}`;
  seen[key] = (seen[key] ?? 0) + 1;
}

function hostileCalls(rpcUrl: string, concurrency: number): Abuse {
  return {
    async run(until) {
      const seen: Record<string, number> = {};
      let done = false;
      void until.then(() => {
        done = true;
      });
      await Promise.all(
        Array.from({ length: concurrency }, async (_, i) => {
          while (!done) {
            countAnswer(seen, await rpc(rpcUrl, request(i % 2 === 0 ? "eth_call" : "eth_estimateGas", HOSTILE)));
          }
        }),
      );
      return seen;
    },
  };
}

function batches(rpcUrl: string, account: PrivateKeyAccount): Abuse {
  return {
    async run(until) {
      const seen: Record<string, number> = {};
      let done = false;
      void until.then(() => {
        done = true;
      });
      let nonce = 0;
      while (!done) {
        const raws = await Promise.all(Array.from({ length: 100 }, (_, i) => sign(account, nonce + i)));
        nonce += 100;
        const answers = (await rpc(
          rpcUrl,
          raws.map((raw, id) => request("eth_sendRawTransaction", [raw], id)),
        )) as unknown[];
        for (const answer of answers) countAnswer(seen, answer);
        // Wait for the batch to run before the next one (the pool holds at most 500 per sender).
        for (;;) {
          const count = (await rpc(rpcUrl, request("eth_getTransactionCount", [account.address, "latest"]))) as {
            result: Hex;
          };
          if (Number(count.result) >= nonce || done) break;
          await sleep(5);
        }
      }
      return seen;
    },
  };
}

function pausedReaders(wsUrl: string, count: number): Abuse {
  return {
    async run(until) {
      const readers: WebSocket[] = [];
      for (let i = 0; i < count; i++) {
        const ws = new WebSocket(wsUrl);
        ws.on("error", () => ws.terminate());
        await new Promise((resolve) => ws.once("open", resolve));
        for (const kind of ["miniBlocks", "stateChanges", "newPendingTransactions"]) {
          ws.send(JSON.stringify(request("eth_subscribe", [kind])));
        }
        readers.push(ws);
      }
      for (const ws of readers) (ws as unknown as { _socket: Socket })._socket.pause();
      await until;
      for (const ws of readers) ws.terminate();
      // A paused socket never sees the node close it: the node's RSS (in the phase's figures) tells what they cost.
      return { readers: readers.length };
    },
  };
}

function slowloris(rpcUrl: string, count: number): Abuse {
  return {
    async run(until) {
      let closedByNode = 0;
      let opened = 0;
      const url = new URL(rpcUrl);
      const sockets: Socket[] = [];
      let done = false;
      void until.then(() => {
        done = true;
      });
      const open = () => {
        if (done) return;
        const socket = connectTcp(Number(url.port), url.hostname, () => {
          opened++;
          socket.write("POST / HTTP/1.1\r\nHost: mach\r\nContent-Type: application/json\r\n");
        });
        socket.on("error", () => socket.destroy());
        // Reopened as soon as the node drops it: the attacker keeps `count` sockets busy.
        socket.once("close", () => {
          closedByNode++;
          open();
        });
        sockets.push(socket);
      };
      for (let i = 0; i < count; i++) open();
      await until;
      for (const socket of sockets) {
        socket.removeAllListeners("close");
        socket.destroy();
      }
      return { opened, closedByNode };
    },
  };
}

export async function runAbuseSuite(parameters: {
  readonly settings: AbuseSettings;
  readonly progress: Progress;
}): Promise<AbuseResult> {
  const { settings, progress } = parameters;
  const loadAccounts = Array.from({ length: settings.loadSenders }, (_, i) => privateKeyToAccount(keyOf(i)));
  const batcher = privateKeyToAccount(keyOf(1_000));
  const legit = privateKeyToAccount(keyOf(1_001));
  const flooders = Array.from({ length: settings.flood.senders }, (_, i) => privateKeyToAccount(keyOf(10_000 + i)));
  const alloc: Alloc = {};
  const rich = `0x${(10n ** 24n).toString(16)}` as Hex;
  for (const account of [...loadAccounts, batcher, legit]) alloc[account.address] = { balance: rich };
  // Each flooder can pay for exactly one transfer at the fee cap: geth's cost of a parked flood.
  const oneTransfer = `0x${(21_000n * FEE * 100n + 1n).toString(16)}` as Hex;
  for (const account of flooders) alloc[account.address] = { balance: oneTransfer };

  progress.status("abuse: signing the pool flood");
  const parked: Hex[] = [];
  for (const account of flooders) {
    for (let nonce = 1; nonce <= settings.flood.parkedPerSender; nonce++) parked.push(await sign(account, nonce));
  }

  const phases: AbusePhaseResult[] = [];
  const runs: { variant: string; rpc: Readonly<Record<string, unknown>>; phases: readonly AbusePhase[] }[] = [
    { variant: "default", rpc: {}, phases: ABUSE_PHASES },
    ...settings.variants.map((variant) => ({ variant: variant.label, rpc: variant.rpc, phases: READ_VARIANT_PHASES })),
  ];
  for (const run of runs) {
    progress.status(`abuse (${run.variant}): starting Mach`);
    const node = await startMachNode({ alloc, config: { rpc: { host: "127.0.0.1", port: 0, ...run.rpc } } });
    try {
      const clock = await miniBlockClock(node.wsUrl);
      const load = steadyLoad(node.rpcUrl, loadAccounts);
      await sleep(500);
      const abuses: Record<AbusePhase, Abuse | undefined> = {
        rest: undefined,
        "eth_call ×1": hostileCalls(node.rpcUrl, 1),
        "eth_call ×16": hostileCalls(node.rpcUrl, 16),
        "pool flood": undefined,
        "100-tx batches": batches(node.rpcUrl, batcher),
        "paused readers": pausedReaders(node.wsUrl, 200),
        slowloris: slowloris(node.rpcUrl, 200),
        "rest again": undefined,
      };
      for (const phase of run.phases) {
        progress.status(`abuse (${run.variant}): ${phase}`);
        load.take();
        clock.takeMaxGapMs();
        let abuse: Record<string, number> = {};
        let legitimateMs: number | null | undefined;
        const phaseOver = sleep(settings.phaseMs);
        if (phase === "pool flood") {
          abuse = await flood(node.rpcUrl, parked);
          const raw = await sign(legit, 0, { tip: FEE * 50n });
          const started = performance.now();
          const answer = (await rpc(node.rpcUrl, request("realtime_sendRawTransaction", [raw]))) as {
            result?: { status: string };
          };
          legitimateMs = answer.result?.status === "0x1" ? performance.now() - started : null;
          countAnswer(abuse, answer);
          await phaseOver;
        } else {
          const running = abuses[phase]?.run(phaseOver);
          await phaseOver;
          abuse = (await running) ?? {};
        }
        const { latencies, failures } = load.take();
        const sorted = latencies.sort((a, b) => a - b);
        phases.push({
          variant: run.variant,
          phase,
          receipts: sorted.length,
          failures,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          maxMiniBlockGapMs: clock.takeMaxGapMs(),
          nodeRssMiB: rssMiB(node.process.child.pid),
          ...(legitimateMs === undefined ? {} : { legitimateMs }),
          abuse,
        });
        progress.tick();
      }
      await load.stop();
      clock.close();
    } finally {
      await node.close();
    }
  }
  return {
    configuration:
      "Mach node (sequencer), default config: reads on 2 worker threads at nice 0, geth's 50M call gas cap and 5 s EVM timeout, memory DA",
    settings,
    phases,
  };
}

function rssMiB(pid: number | undefined): number | null {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return null;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match === null ? null : Number(match[1]) / 1024;
}

/** Sends the parked transactions in batches of 100, counting the answers. */
async function flood(rpcUrl: string, parked: readonly Hex[]): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < parked.length; i += 100) {
    const answers = (await rpc(
      rpcUrl,
      parked.slice(i, i + 100).map((raw, id) => request("eth_sendRawTransaction", [raw], id)),
    )) as unknown[];
    for (const answer of answers) countAnswer(seen, answer);
  }
  return seen;
}
