/**
 * Replicas and witnesses. Two parts:
 *
 * In process, per workload: the sequencer's path (Mach's executor over a ChainState, recorded for the witness) in
 * blocks of `blockTransactions`, mini-blocks of `miniBlockSize`; per block the witness built from the parent's tries
 * (raw and zstd bytes, per block and per transaction), per mini-block the p2p message a replica receives (record +
 * signatures, framed and zstd-compressed as gossip sends it), hence the bandwidth a replica needs at 10k and 100k
 * tx/s; and the state diffs alone (what MegaETH's published 152.6 Mbps for ERC-20 and 476.1 Mbps for swaps at 100k
 * tx/s measure), compared with those.
 *
 * Processes: a sequencer process on p2p takes an ERC-20 load as fast as it goes (its execution rate from its own
 * metrics: transactions over time spent executing and sealing mini-blocks); a replica process started afterwards
 * catches the whole chain up by range requests (its apply rate: transactions over the time to reach the head, p2p,
 * verification, decoding, applying, roots and store included). Then, the replica following live, an open-loop ERC-20
 * load at half the sequencer's peak: the replica's lag is the time from a mini-block's seal (its µs timestamp, the
 * sequencer's clock, same host) to the replica announcing it on its `miniBlocks` subscription (p50/p99).
 */
import { constants, zstdCompressSync } from "node:zlib";
import {
  buildReceipt,
  chainConfigSchema,
  createDigestSigner,
  encodeHeader,
  genesisBlock,
  miniBlockSigningHash,
  nextBlockEnv,
  OpenBlock,
  type Receipt,
  type Transaction,
} from "@mach/core/chain";
import { createWitnessRecordingExecutor } from "@mach/core/execution";
import { DEV_MNEMONIC, deriveDevAccounts } from "@mach/core/node";
import { defaultP2pConfig, encodeMiniBlockMessage, sealMiniBlock } from "@mach/core/p2p";
import {
  buildBlockWitness,
  ChainState,
  compressBlockWitness,
  encodeBlockWitness,
  encodeMiniBlockRecord,
  encodeStateDiff,
  WitnessRecorder,
} from "@mach/core/state";
import WebSocket from "ws";
import type { Progress } from "../report/progress.ts";
import { percentile } from "../report/stats.ts";
import { startMachNode } from "../targets/machNode.ts";
import { scrapeMetrics } from "../targets/metrics.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { WorkloadName } from "../workloads/transactions.ts";
import type { BenchWorld } from "../workloads/world.ts";
import { BENCH_BASE_FEE_PER_GAS, BENCH_BLOCK_GAS_LIMIT, BENCH_CHAIN_ID } from "../workloads/world.ts";
import type { Endpoint, LoadSettings } from "./endToEnd.ts";
import { measureOpenLoopLatency } from "./endToEndLatency.ts";
import { measureHttpThroughput } from "./endToEndThroughput.ts";
import { BENCH_COINBASE, createMachTarget } from "./executors.ts";

/** MegaETH's replica bandwidth at 100k tx/s (whitepaper figures), what Mach's are compared with. */
export const MEGAETH_MBPS_AT_100K = { erc20: 152.6, swap: 476.1 } as const;
export const BANDWIDTH_RATES = [10_000, 100_000] as const;

export interface ReplicaWorkloadResult {
  readonly workload: WorkloadName;
  readonly transactions: number;
  readonly blocks: number;
  readonly witnessRawBytesPerBlock: number;
  readonly witnessZstdBytesPerBlock: number;
  readonly witnessRawBytesPerTx: number;
  readonly witnessZstdBytesPerTx: number;
  /** The gossiped mini-block messages (zstd-framed as sent), per transaction. */
  readonly miniBlockMessageBytesPerTx: number;
  /** The state diffs alone (`encodeStateDiff` per mini-block, zstd level 3), per transaction: MegaETH's measure. */
  readonly stateDiffZstdBytesPerTx: number;
  /** Replica inbound bandwidth at each rate of `BANDWIDTH_RATES`, Mbps: whole gossip messages. */
  readonly replicaMbps: readonly number[];
  /** The same for the state diffs alone. */
  readonly stateDiffMbps: readonly number[];
}

export interface ReplicaProcessResult {
  readonly transactions: number;
  /** The sequencer's execution rate: transactions ÷ time executing and sealing mini-blocks (its metrics). */
  readonly sequencerExecutionTxPerSecond: number;
  /** End to end through the sequencer's RPC (send → last receipt). */
  readonly sequencerPeakTxPerSecond: number;
  /** A replica process catching the chain up from genesis: transactions ÷ time from its process start to the head. */
  readonly replicaCatchUpTxPerSecond: number;
  /**
   * The same catch-up without the process's start: transactions ÷ time from its first range request (its log line
   * "p2p caught up by range" says when that was) to serving the head: p2p, verify, decode, apply, roots, store.
   */
  readonly replicaCatchUpWorkTxPerSecond: number | null;
  /** Process spawn → first range request (Node start, genesis, store, p2p, hearing of the gap). */
  readonly replicaStartSeconds: number | null;
  /** The same replica's apply rate during the half-peak phase, from its metrics (transactions ÷ time applying mini-blocks' diffs and issuing their log writes). */
  readonly replicaApplyTxPerSecond: number;
  /** Its metrics as read: transactions applied and seconds spent applying. */
  readonly replicaApplied: { readonly transactions: number; readonly seconds: number };
  readonly halfPeakTxPerSecond: number;
  readonly lagP50Ms: number | null;
  readonly lagP99Ms: number | null;
  readonly lagSamples: number;
}

export interface ReplicaResult {
  readonly blockTransactions: number;
  readonly miniBlockSize: number;
  readonly workloads: ReplicaWorkloadResult[];
  readonly process?: ReplicaProcessResult;
}

export interface ReplicaSuiteParameters {
  readonly world: BenchWorld;
  readonly workloads: readonly { readonly name: WorkloadName; readonly signed: SignedWorkload }[];
  readonly blockTransactions: number;
  readonly miniBlockSize: number;
  /** The process part's loads: a burst (catch-up) and an open loop at half peak; absent: in-process part only. */
  readonly processLoads?: { readonly burst: SignedWorkload; readonly halfPeak: SignedWorkload };
  readonly load: LoadSettings;
  readonly progress?: Progress;
}

const signingKey = deriveDevAccounts(DEV_MNEMONIC, 1)[0]?.privateKey as `0x${string}`;

function zstdLength(data: Uint8Array): number {
  return zstdCompressSync(data, { params: { [constants.ZSTD_c_compressionLevel]: 3 } }).length;
}

/** The sequencer's path in process, one chain for every workload in turn (their nonces continue). */
interface InProcessChain {
  readonly target: Awaited<ReturnType<typeof createMachTarget>>;
  readonly state: ChainState;
  readonly recorder: WitnessRecorder;
  readonly executor: ReturnType<typeof createWitnessRecordingExecutor>;
  readonly chain: ReturnType<typeof chainConfigSchema.parse>;
  readonly signer: ReturnType<typeof createDigestSigner>;
  parent: ReturnType<typeof genesisBlock>;
}

async function inProcessChain(world: BenchWorld): Promise<InProcessChain> {
  const target = await createMachTarget(world.alloc);
  const state = new ChainState(target.state);
  const recorder = new WitnessRecorder();
  const chain = chainConfigSchema.parse({ chainId: BENCH_CHAIN_ID, blockGasLimit: BENCH_BLOCK_GAS_LIMIT });
  return {
    target,
    state,
    recorder,
    executor: createWitnessRecordingExecutor(target.executor, recorder),
    chain,
    signer: createDigestSigner(Buffer.from(signingKey.slice(2), "hex")),
    parent: genesisBlock({
      stateRoot: state.world.stateRoot,
      gasLimit: chain.blockGasLimit,
      timestamp: 1_800_000_000n,
      baseFeePerGas: chain.initialBaseFeePerGas,
      beneficiary: BENCH_COINBASE,
    }),
  };
}

/** One workload on the chain: witnesses per block, gossip messages per mini-block. */
async function measureWorkload(
  line: InProcessChain,
  name: WorkloadName,
  signed: SignedWorkload,
  blockTransactions: number,
  miniBlockSize: number,
  progress?: Progress,
): Promise<ReplicaWorkloadResult> {
  const { target, state, recorder, executor, chain, signer } = line;
  const txs: Transaction[] = target.prepare(signed.raw);
  let witnessRaw = 0;
  let witnessZstd = 0;
  let messageBytes = 0;
  let diffBytes = 0;
  let blocks = 0;
  for (let b = 0; b < txs.length; b += blockTransactions) {
    const parent = line.parent;
    const open = new OpenBlock(
      nextBlockEnv(parent, chain, { timestamp: parent.header.timestamp + 1n, coinbase: BENCH_COINBASE }),
    );
    const env = {
      chainId: chain.chainId,
      number: open.env.number,
      timestamp: open.env.timestamp,
      gasLimit: open.env.gasLimit,
      baseFeePerGas: open.env.baseFeePerGas,
      coinbase: open.env.coinbase,
      prevRandao: open.env.prevRandao,
      getBlockHash: () => undefined,
    };
    const blockTxs = txs.slice(b, b + blockTransactions);
    for (let m = 0; m < blockTxs.length; m += miniBlockSize) {
      const writer = state.beginMiniBlock();
      const included = blockTxs.slice(m, m + miniBlockSize);
      const receipts: Receipt[] = [];
      let gas = open.gasUsed;
      for (const tx of included) {
        const result = await executor.executeTransaction(writer, tx, env);
        gas += result.gasUsed;
        receipts.push(buildReceipt(result, gas));
      }
      const stateDiff = state.endMiniBlock();
      diffBytes += zstdLength(encodeStateDiff(stateDiff));
      const miniBlock = open.buildMiniBlock({ transactions: included, receipts, stateDiff, timestampUs: 0n });
      open.add(miniBlock);
      const sealed = sealMiniBlock({
        chainId: chain.chainId,
        miniBlock,
        signature: signer.sign(miniBlockSigningHash(miniBlock)),
        signer,
        record: encodeMiniBlockRecord(miniBlock),
      });
      messageBytes += encodeMiniBlockMessage(sealed, defaultP2pConfig.compression).length;
    }
    const witness = buildBlockWitness({
      blockNumber: open.env.number,
      world: state.world,
      access: recorder.take(),
      headers: [encodeHeader(parent.header)],
    });
    witnessRaw += encodeBlockWitness(witness).length;
    witnessZstd += compressBlockWitness(witness).length;
    line.parent = open.seal(state.commitBlock(open.env.number));
    blocks++;
    progress?.tick();
  }
  const n = txs.length;
  const perTx = messageBytes / n;
  return {
    workload: name,
    transactions: n,
    blocks,
    witnessRawBytesPerBlock: witnessRaw / blocks,
    witnessZstdBytesPerBlock: witnessZstd / blocks,
    witnessRawBytesPerTx: witnessRaw / n,
    witnessZstdBytesPerTx: witnessZstd / n,
    miniBlockMessageBytesPerTx: perTx,
    stateDiffZstdBytesPerTx: diffBytes / n,
    replicaMbps: BANDWIDTH_RATES.map((rate) => (perTx * rate * 8) / 1e6),
    stateDiffMbps: BANDWIDTH_RATES.map((rate) => ((diffBytes / n) * rate * 8) / 1e6),
  };
}

async function call<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: T }).result;
}

/**
 * The first sealed block that holds everything acknowledged so far: the block after the sealed head (`eth_blockNumber`
 * is the newest sealed block; receipts given before now name it or an earlier one), once it has sealed.
 */
async function sealedHeadAfterNow(url: string): Promise<{ number: number; hash: string }> {
  const target = Number(await call<string>(url, "eth_blockNumber", [])) + 1;
  for (;;) {
    if (Number(await call<string>(url, "eth_blockNumber", [])) >= target) {
      const block = await call<{ hash: string }>(url, "eth_getBlockByNumber", [`0x${target.toString(16)}`, false]);
      return { number: target, hash: block.hash };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function measureProcesses(
  world: BenchWorld,
  loads: { readonly burst: SignedWorkload; readonly halfPeak: SignedWorkload },
  settings: LoadSettings,
  progress?: Progress,
): Promise<ReplicaProcessResult> {
  const signerAddress = deriveDevAccounts(DEV_MNEMONIC, 1)[0]?.address as string;
  const genesisTimestamp = String(Math.floor(Date.now() / 1000));
  const common = {
    chain: {
      chainId: BENCH_CHAIN_ID.toString(),
      blockGasLimit: BENCH_BLOCK_GAS_LIMIT.toString(),
      initialBaseFeePerGas: BENCH_BASE_FEE_PER_GAS.toString(),
      genesisTimestamp,
    },
    metrics: { enabled: true, host: "127.0.0.1", port: 0 },
  };
  progress?.status("replica: sequencer on p2p");
  const sequencer = await startMachNode({
    alloc: world.alloc,
    config: {
      ...common,
      sequencer: { signerPrivateKey: signingKey },
      p2p: { enabled: true, listen: ["/ip4/127.0.0.1/tcp/0"] },
    },
  });
  const nodes = [sequencer];
  try {
    const seqEndpoint: Endpoint = { name: "mach", rpcUrl: sequencer.rpcUrl, wsUrl: sequencer.wsUrl };
    const before = await scrapeMetrics(sequencer.metricsUrl as string, [
      "mach_sequencer_transactions_total",
      "mach_sequencer_mini_block_seconds_sum",
    ]);
    progress?.status("replica: ERC-20 burst on the sequencer");
    const burst = await measureHttpThroughput(seqEndpoint, loads.burst, settings, progress);
    const after = await scrapeMetrics(sequencer.metricsUrl as string, [
      "mach_sequencer_transactions_total",
      "mach_sequencer_mini_block_seconds_sum",
    ]);
    const executed = (after.mach_sequencer_transactions_total ?? 0) - (before.mach_sequencer_transactions_total ?? 0);
    const executing =
      (after.mach_sequencer_mini_block_seconds_sum ?? 0) - (before.mach_sequencer_mini_block_seconds_sum ?? 0);
    // The block that seals the burst (its last receipts came from the open block): what the replica must reach.
    const head = await sealedHeadAfterNow(sequencer.rpcUrl);

    progress?.status("replica: catching up from genesis");
    // From the replica's process start: a replica that starts behind fetches ranges (or a snapshot) while it starts.
    const started = performance.now();
    const spawnedAtMs = Date.now();
    /** When the replica's first catch-up run started (its clock: the same host's). */
    let firstRangeAtMs: number | undefined;
    const replica = await startMachNode({
      alloc: world.alloc,
      onLogLine(line) {
        if (firstRangeAtMs !== undefined || !line.includes('"p2p caught up by range"')) return;
        const entry = JSON.parse(line) as { kind?: string; startedAtMs?: number };
        if (entry.kind === "miniBlocks" && typeof entry.startedAtMs === "number") firstRangeAtMs = entry.startedAtMs;
      },
      config: {
        ...common,
        node: { role: "replica" },
        p2p: {
          enabled: true,
          sequencerAddress: signerAddress,
          bootstrap: sequencer.p2pAddresses,
          gapGraceMs: 10,
          rangeRetryMs: 100,
        },
        replica: { sequencerRpcUrl: sequencer.rpcUrl },
      },
    });
    nodes.push(replica);
    for (;;) {
      const block = await call<{ hash: string } | null>(replica.rpcUrl, "eth_getBlockByNumber", [
        `0x${head.number.toString(16)}`,
        false,
      ]);
      if (block?.hash === head.hash) break;
      if (performance.now() - started > 600_000) throw new Error("the replica did not catch up within 10 minutes");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const catchUpSeconds = (performance.now() - started) / 1000;
    const caughtUpAtMs = Date.now();
    // The follower logs its catch-up run when the run ends, which can be a moment after the head is served.
    for (let waited = 0; firstRangeAtMs === undefined && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const replicaCounters = ["mach_replica_transactions_total", "mach_replica_apply_seconds_sum"] as const;
    const appliedBefore = await scrapeMetrics(replica.metricsUrl as string, replicaCounters);

    // Live: the replica's miniBlocks subscription against each mini-block's seal time, for the mini-blocks sealed
    // from the half-peak phase's start (the sequencer sealed a mini-block per block meanwhile, which the replica may
    // still be catching up: those measure catch-up, not following).
    const lags: number[] = [];
    let phaseStartMs = Number.POSITIVE_INFINITY;
    const socket = new WebSocket(replica.wsUrl);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { params?: { result?: { mini_block_timestamp?: string } } };
      const timestamp = message.params?.result?.mini_block_timestamp;
      if (timestamp === undefined) return;
      const sealedAtMs = Number(BigInt(timestamp) / 1000n);
      if (sealedAtMs >= phaseStartMs) lags.push(Date.now() - sealedAtMs);
    });
    socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["miniBlocks"] }));
    const halfPeak = burst.txPerSecond / 2;
    progress?.status(`replica: lag at half peak (${Math.round(halfPeak)} tx/s)`);
    phaseStartMs = Date.now();
    await measureOpenLoopLatency(seqEndpoint, "eth_sendRawTransactionSync", "erc20", loads.halfPeak, halfPeak, {
      ...settings,
      graceMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    socket.close();
    // The apply rate of the live phase: transactions ÷ time applying their mini-blocks as they arrived (diff, log write issued).
    const appliedAfter = await scrapeMetrics(replica.metricsUrl as string, replicaCounters);
    const applied = {
      mach_replica_transactions_total:
        (appliedAfter.mach_replica_transactions_total ?? 0) - (appliedBefore.mach_replica_transactions_total ?? 0),
      mach_replica_apply_seconds_sum:
        (appliedAfter.mach_replica_apply_seconds_sum ?? 0) - (appliedBefore.mach_replica_apply_seconds_sum ?? 0),
    };
    return {
      transactions: loads.burst.raw.length,
      sequencerExecutionTxPerSecond: executing > 0 ? executed / executing : 0,
      sequencerPeakTxPerSecond: burst.txPerSecond,
      replicaCatchUpTxPerSecond: loads.burst.raw.length / catchUpSeconds,
      replicaCatchUpWorkTxPerSecond:
        firstRangeAtMs === undefined || caughtUpAtMs <= firstRangeAtMs
          ? null
          : loads.burst.raw.length / ((caughtUpAtMs - firstRangeAtMs) / 1000),
      replicaStartSeconds: firstRangeAtMs === undefined ? null : (firstRangeAtMs - spawnedAtMs) / 1000,
      replicaApplyTxPerSecond:
        (applied.mach_replica_apply_seconds_sum ?? 0) > 0
          ? (applied.mach_replica_transactions_total ?? 0) / (applied.mach_replica_apply_seconds_sum ?? 1)
          : 0,
      replicaApplied: {
        transactions: applied.mach_replica_transactions_total ?? 0,
        seconds: applied.mach_replica_apply_seconds_sum ?? 0,
      },
      halfPeakTxPerSecond: halfPeak,
      lagP50Ms: lags.length > 0 ? percentile(lags, 50) : null,
      lagP99Ms: lags.length > 0 ? percentile(lags, 99) : null,
      lagSamples: lags.length,
    };
  } finally {
    for (const node of nodes.reverse()) await node.close();
  }
}

export async function runReplicaSuite(parameters: ReplicaSuiteParameters): Promise<ReplicaResult> {
  const { world, blockTransactions, miniBlockSize, progress } = parameters;
  const workloads: ReplicaWorkloadResult[] = [];
  const line = await inProcessChain(world);
  for (const { name, signed } of parameters.workloads) {
    progress?.status(`replica: witnesses and messages, ${name}`);
    workloads.push(await measureWorkload(line, name, signed, blockTransactions, miniBlockSize, progress));
  }
  const process =
    parameters.processLoads === undefined
      ? undefined
      : await measureProcesses(world, parameters.processLoads, parameters.load, progress);
  return { blockTransactions, miniBlockSize, workloads, ...(process ? { process } : {}) };
}
