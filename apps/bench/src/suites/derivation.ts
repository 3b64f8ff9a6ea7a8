/**
 * Derivation rate: how fast a derive node rebuilds, from an empty data directory and from L1 + DA alone, the chain a
 * sequencer built under the bench's ERC-20 load, beside that sequencer's own rate in the same run.
 *
 * One Hardhat L1 (automine) with a fresh set of Mach's contracts, the EigenDA stand-in (the devnet's default DA) as
 * its own process, and a `mach` sequencer node (as the devnet wires it: batcher on DA, batch records in BatchInbox,
 * L1 origins and deposits from the portal) take the ERC-20 transfers over HTTP batches as fast as they go (the
 * sequencer's tx/s: first send → last receipt). Once `safe` covers the head N of that moment (every batch recorded
 * on L1) and the L1 holds the derive node's confirmation depth of blocks past the last record, a `mach` node with
 * `node.role: "derive"` starts on an empty data directory. The clock runs from its "node started" line (the deriver
 * starts right then) until its block N has the sequencer's block N hash; its process start (code loading, genesis,
 * read workers) is timed apart. Rates: N blocks and the load's transactions over that time (L1 reads, DA retrieval
 * and its checks, re-execution with chain/'s rules, the store). A derive node that rejected a batch, or never
 * reached the hash, fails the suite rather than give a figure.
 */
import type { Progress } from "../report/progress.ts";
import { type DaStandInSettings, startDaStandIn } from "../targets/daStandIn.ts";
import { BENCH_L1_CHAIN_ID, startBenchL1 } from "../targets/l1Node.ts";
import { type MachNode, startMachNode } from "../targets/machNode.ts";
import { createHttpRpcClient, type HttpRpcClient } from "../targets/rpcClient.ts";
import type { SignedWorkload } from "../workloads/signing.ts";
import type { BenchWorld } from "../workloads/world.ts";
import { BENCH_BASE_FEE_PER_GAS, BENCH_BLOCK_GAS_LIMIT, BENCH_CHAIN_ID } from "../workloads/world.ts";
import type { LoadSettings } from "./endToEnd.ts";
import { measureHttpThroughput } from "./endToEndThroughput.ts";

export interface DerivationSettings {
  /** Names the configuration in the table (`quick`, `full`). */
  readonly name: string;
  /** ERC-20 transfers the sequencer takes before the derive node starts. */
  readonly transactions: number;
  /** Accounts sending them. */
  readonly senders: number;
  /** The sequencer's `batcher` config section. */
  readonly batcher: Readonly<Record<string, number | string | boolean>>;
  /** How long `safe` may take to reach the head after the load, and the derive node to reach it. */
  readonly safeTimeoutSeconds: number;
  readonly deriveTimeoutSeconds: number;
  /** The EigenDA stand-in's settings (the devnet's in the full run). */
  readonly standIns: Omit<DaStandInSettings, "cacheDir">;
}

export interface DerivationResult {
  /** The run's whole setup in words (named in every row). */
  readonly configuration: string;
  readonly sequencer: {
    readonly transactions: number;
    /** First send → last receipt, HTTP batches. */
    readonly txPerSecond: number;
    readonly seconds: number;
  };
  readonly derive: {
    /** Block N: the sequencer's head once the load's batches were all recorded. */
    readonly blocks: number;
    readonly headHash: string;
    readonly transactions: number;
    /** "node started" (derivation starts) → its block N has the sequencer's hash. */
    readonly seconds: number;
    /** Before that: process start → "node started". */
    readonly startSeconds: number;
    readonly blocksPerSecond: number;
    readonly txPerSecond: number;
    /** Batches it rejected (its `mach_status`): 0, or the suite fails. */
    readonly rejectedBatches: number;
  };
  /** The sequencer's batches recorded on L1 by the end (its `mach_status`). */
  readonly batches: number;
}

export interface RunDerivationSuiteParameters {
  readonly world: BenchWorld;
  readonly workload: SignedWorkload;
  readonly settings: DerivationSettings;
  readonly load: LoadSettings;
  /** Where the EigenDA dev SRS is cached. */
  readonly cacheDir: string;
  readonly progress?: Progress;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const hexNumber = (value: string | null | undefined) => (value ? Number.parseInt(value, 16) : 0);
const quantity = (n: number) => `0x${n.toString(16)}`;

/** The derive node's default confirmation depth (`derivation.l1ConfirmationDepth`), left as it is. */
const DERIVE_L1_CONFIRMATION_DEPTH = 4;
/** The sequencer's default (`sequencer.l1ConfirmationDepth`): its first L1 origin needs as many blocks after it. */
const SEQUENCER_L1_CONFIRMATION_DEPTH = 4;
/** The devnet's L1 block time (`pnpm devnet --l1-block-ms`). */
const L1_BLOCK_MS = 2_000;

interface DerivationStatusJson {
  readonly derivation: { readonly rejectedBatches: number } | null;
  readonly da: { readonly byProvider: readonly { readonly recorded: number }[] };
}

async function waitFor<T>(what: string, timeoutSeconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutSeconds} s waiting for ${what}`);
    await sleep(20);
  }
}

export async function runDerivationSuite(parameters: RunDerivationSuiteParameters): Promise<DerivationResult> {
  const { world, workload, settings, progress } = parameters;
  progress?.status("derivation: starting the L1 (Hardhat node) and the EigenDA stand-in");
  const l1 = await startBenchL1();
  const nodes: MachNode[] = [];
  const clients: HttpRpcClient[] = [];
  const standIn = await startDaStandIn("eigenda", {
    ...parameters.settings.standIns,
    cacheDir: parameters.cacheDir,
  }).catch(async (error: unknown) => {
    await l1.close();
    throw error;
  });
  try {
    progress?.status("derivation: deploying the L1 contracts");
    const contracts = await l1.deploy();
    // The L1 moves as the devnet's does; the chain's first L1 origin is confirmed from the start.
    await l1.mine(SEQUENCER_L1_CONFIRMATION_DEPTH);
    await l1.mineEvery(L1_BLOCK_MS);
    const chain = {
      chainId: BENCH_CHAIN_ID.toString(),
      blockGasLimit: BENCH_BLOCK_GAS_LIMIT.toString(),
      initialBaseFeePerGas: BENCH_BASE_FEE_PER_GAS.toString(),
      genesisTimestamp: String(Math.floor(Date.now() / 1000)),
      l1StartBlock: contracts.l1Head.toString(),
    };
    const l1Contracts = {
      l1RpcUrl: l1.rpcUrl,
      batchInbox: contracts.batchInbox,
      portal: contracts.portal,
      systemConfig: contracts.systemConfig,
    };
    progress?.status("derivation: starting the sequencer");
    const sequencer = await startMachNode({
      alloc: world.alloc,
      config: {
        chain,
        da: standIn.nodeConfig,
        batcher: settings.batcher,
        settlement: { provider: "l1", options: { ...l1Contracts, batcherPrivateKey: l1.batcherPrivateKey } },
      },
    });
    nodes.push(sequencer);
    const seq = createHttpRpcClient(sequencer.rpcUrl, 2);
    clients.push(seq);
    progress?.status(`derivation: ${workload.raw.length.toLocaleString("en-US")} ERC-20 transfers on the sequencer`);
    const figure = await measureHttpThroughput(
      { name: "mach", rpcUrl: sequencer.rpcUrl, wsUrl: sequencer.wsUrl },
      workload,
      parameters.load,
      progress,
    );
    if (figure.rejected + figure.failedReceipts + figure.missingReceipts > 0)
      throw new Error(
        `the sequencer did not take the whole load: ${figure.rejected} rejected, ${figure.failedReceipts} failed, ${figure.missingReceipts} without a receipt (${figure.firstError ?? "no error"})`,
      );
    // Every receipt is in: the load's last transactions sit in the sealed head or in the block open now (receipts
    // come per mini-block), so the chain to derive ends with the next block to seal.
    const head = hexNumber(await seq.call<string>("eth_blockNumber", [])) + 1;
    await waitFor(`the sequencer to seal block ${head}`, settings.safeTimeoutSeconds, async () =>
      hexNumber(await seq.call<string>("eth_blockNumber", [])) >= head ? true : undefined,
    );
    progress?.status(`derivation: waiting for safe to reach block ${head}`);
    await waitFor(`safe to reach block ${head}`, settings.safeTimeoutSeconds, async () => {
      const status = await seq.call<{ safeBlockNumber: string | null }>("mach_syncStatus", []);
      return hexNumber(status.safeBlockNumber) >= head ? true : undefined;
    });
    const headBlock = await seq.call<{ hash: string }>("eth_getBlockByNumber", [quantity(head), false]);
    const batches = (await seq.call<DerivationStatusJson>("mach_status", [])).da.byProvider.reduce(
      (sum, p) => sum + p.recorded,
      0,
    );
    // The last record's L1 block, confirmed as deep as the derive node waits for.
    await l1.mine(DERIVE_L1_CONFIRMATION_DEPTH + 1);

    progress?.status(`derivation: a derive node from an empty data directory to block ${head}`);
    const started = performance.now();
    const derive = await startMachNode({
      alloc: world.alloc,
      config: {
        node: { role: "derive" },
        chain,
        da: standIn.nodeConfig,
        settlement: { provider: "l1", options: l1Contracts },
        derivation: { l1ConfirmationDepth: DERIVE_L1_CONFIRMATION_DEPTH, pollIntervalMs: 100 },
      },
    });
    nodes.push(derive);
    const ready = performance.now();
    const der = createHttpRpcClient(derive.rpcUrl, 2);
    clients.push(der);
    try {
      await waitFor(`the derive node's block ${head}`, settings.deriveTimeoutSeconds, async () => {
        const block = await der.call<{ hash: string } | null>("eth_getBlockByNumber", [quantity(head), false]);
        if (block === null) return undefined;
        if (block.hash !== headBlock.hash)
          throw new Error(`the derive node's block ${head} is ${block.hash}; the sequencer's is ${headBlock.hash}`);
        return true;
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nderive node stderr:\n${derive.process.stderr()}`, { cause: error });
    }
    const seconds = (performance.now() - ready) / 1000;
    const status = (await der.call<DerivationStatusJson>("mach_status", [])).derivation;
    if (status === null) throw new Error("the derive node's mach_status has no derivation section");
    if (status.rejectedBatches > 0)
      throw new Error(`the derive node rejected ${status.rejectedBatches} batches\n${derive.process.stderr()}`);
    const transactions = workload.raw.length;
    return {
      configuration: `${settings.name}: ${transactions.toLocaleString("en-US")} ERC-20 transfers from ${settings.senders.toLocaleString("en-US")} senders sent to a Mach sequencer (default config, 1 s blocks; batcher ${JSON.stringify(settings.batcher)}) over HTTP batches; ${standIn.configuration}; L1: Hardhat node (automine and a block every ${L1_BLOCK_MS / 1000} s, chain id ${BENCH_L1_CHAIN_ID}) with Mach's contracts; then a derive node (node.role derive, confirmation depth ${DERIVE_L1_CONFIRMATION_DEPTH}) from an empty data directory, timed from its "node started" line until its block ${head} has the sequencer's hash`,
      sequencer: { transactions, txPerSecond: figure.txPerSecond, seconds: figure.seconds },
      derive: {
        blocks: head,
        headHash: headBlock.hash,
        transactions,
        seconds,
        startSeconds: (ready - started) / 1000,
        blocksPerSecond: head / seconds,
        txPerSecond: transactions / seconds,
        rejectedBatches: status.rejectedBatches,
      },
      batches,
    };
  } finally {
    for (const client of clients) client.close();
    for (const node of nodes.reverse()) await node.close();
    await standIn.close();
    await l1.close();
  }
}
