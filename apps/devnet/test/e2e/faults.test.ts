/**
 * Faults end to end, on one devnet-like stack: a Hardhat L1 with Mach's contracts, the Celestia stand-in, a `mach
 * node` sequencer (batcher recording in BatchInbox, proposer posting an output game every 10 blocks, deposits from the
 * Portal) under a steady transfer load, and a `mach node` with `node.role: "derive"` that follows L1 + DA throughout.
 * In order:
 *
 *   1. The DA stand-in freezes for 30 s (SIGSTOP, then SIGCONT).
 *   2. The L1 node freezes for 30 s (the same).
 *   3. The sequencer is killed (SIGKILL) while its batcher holds a batch on DA but not yet on L1, then again while the
 *      batch is on L1 but the node's own record does not say so yet (the test-only `batcher.testFaults.holdBatchAt`).
 *
 * Why SIGSTOP rather than closing and restarting the service on its port: a frozen process is the harder fault for
 * the wire. Connections are accepted by the kernel and then nothing answers, so every client must bound its own
 * requests by timeouts (a closed port fails fast), and requests sent before and during the freeze are served late
 * once it thaws (a `blob.Submit` or an `eth_sendRawTransaction` whose client already gave up lands anyway), which is
 * what makes resubmissions and double records possible. It also keeps each service's state: Hardhat's chain is in
 * memory and could not be restarted.
 *
 * After each fault: the sequencer answered with receipts throughout, the batcher (and the proposer) logged retries,
 * `safe` catches up with the head, BatchInbox holds every block from 1 in contiguous ranges in batch order (none
 * recorded twice) matching the node's records, every output block has exactly one game with the node's root, and the
 * derive node holds the very same blocks. Behaviour only: waits have deadlines, nothing asserts how fast.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BATCH_HELD_MESSAGE, type BatchHoldPoint } from "@mach/core/da";
import { createOutputGameReader, type L1BatchRecord, readBatchRecords } from "@mach/settlement";
import { bytesToHex, createPublicClient, type Hex, http } from "viem";
import { DEVNET_SETTLEMENT } from "../../src/main.ts";
import { rpcResult as result } from "../support/chain.ts";
import { type FrozenProcess, freezeProcess } from "../support/freeze.ts";
import { l1SettlementOptions, l2ChainConfig, startL1WithCelestia } from "../support/l1Stack.ts";
import { devAccounts, type RunningLoad, startLoad } from "../support/load.ts";
import { type MachProcess, startMach } from "../support/machProcess.ts";
import { sleep, waitFor } from "../support/poll.ts";
import { freePorts } from "../support/ports.ts";

/** How long each service stays frozen. */
const FAULT_MS = 30_000;
const OUTPUT_INTERVAL_BLOCKS = DEVNET_SETTLEMENT.outputIntervalBlocks;

type LogEntry = Record<string, unknown>;

const blockNumber = async (url: string) => BigInt(await result<Hex>(url, "eth_blockNumber"));
const safeBlock = async (url: string) =>
  BigInt((await result<{ number: Hex }>(url, "eth_getBlockByNumber", ["safe", false])).number);
const hex = (n: bigint) => `0x${n.toString(16)}`;

describe("faults: DA stalled, L1 unreachable, sequencer killed between DA and L1", () => {
  const dir = mkdtempSync(join(tmpdir(), "mach-faults-e2e-"));
  const logDir = join(dir, "logs");
  const sequencerDir = join(dir, "sequencer");
  const stops: (() => Promise<void>)[] = [];
  const frozen: FrozenProcess[] = [];
  let sequencer: MachProcess;
  let derive: MachProcess;
  let sequencerConfig: (holdBatchAt?: BatchHoldPoint) => Record<string, unknown>;
  let load: RunningLoad | undefined;
  let daProcess: ChildProcess;
  let l1Process: ChildProcess;
  let l1RpcUrl: string;
  let batchInbox: Hex;
  let disputeGameFactory: Hex;
  let gameType: number;

  const l1Client = () => createPublicClient({ transport: http(l1RpcUrl) });

  /** Every `BatchSubmitted` record of the inbox, in L1 order. */
  const readInbox = async () =>
    readBatchRecords({
      publicClient: l1Client() as never,
      batchInbox,
      fromBlock: 0n,
      toBlock: await l1Client().getBlockNumber(),
    });

  const batcherStatus = async () =>
    (await result<{ batcher: { state: string; error: string | null } | null }>(sequencer.rpcUrl, "mach_syncStatus"))
      .batcher;

  /** Waits until `safe` covers the block after the call (its batch recorded on L1); the batcher must not halt. */
  async function waitForSafeHead(): Promise<bigint> {
    const open = (await blockNumber(sequencer.rpcUrl)) + 1n;
    const head = await waitFor("the next block to seal", 60_000, async () => {
      const n = await blockNumber(sequencer.rpcUrl);
      return n >= open ? n : undefined;
    });
    await waitFor(`safe to reach block ${head}`, 120_000, async () => {
      const status = await batcherStatus();
      if (status?.state === "halted") throw new Error(`batcher halted: ${status.error}`);
      return (await safeBlock(sequencer.rpcUrl)) >= head ? true : undefined;
    });
    const status = await batcherStatus();
    assert.equal(status?.state, "running");
    assert.equal(status?.error, null);
    return head;
  }

  /**
   * BatchInbox holds every block from 1 in contiguous ranges, in batch order, none twice; the node's batch records
   * name the same ranges and pointers, each `recorded`.
   */
  async function assertRecordedInOrder(): Promise<readonly L1BatchRecord[]> {
    const records = await readInbox();
    assert.ok(records.length > 0, "batches on L1");
    let next = 1n;
    records.forEach((record, index) => {
      assert.equal(record.batchIndex, BigInt(index), "L1 order is batch order");
      assert.equal(record.firstBlock, next, `batch ${index} continues the previous one`);
      assert.ok(record.lastBlock >= record.firstBlock);
      assert.equal(record.provider, "celestia");
      next = record.lastBlock + 1n;
    });
    const batches = await result<{ fromBlock: Hex; toBlock: Hex; status: string; pointers: Hex[] }[]>(
      sequencer.rpcUrl,
      "mach_getBatches",
      ["0x1", hex(next - 1n)],
    );
    assert.deepEqual(
      batches.map((b) => [BigInt(b.fromBlock), BigInt(b.toBlock), b.status, b.pointers]),
      records.map((r) => [r.firstBlock, r.lastBlock, "recorded", (r.pointers ?? []).map((p) => bytesToHex(p))]),
    );
    return records;
  }

  /** Blocks already found the same on both nodes (each block is compared once). */
  let derivedThrough = -1n;

  /** The derive node reaches `through` and holds the sequencer's very blocks up to it. */
  async function assertDerived(through: bigint): Promise<void> {
    await waitFor(`the derive node to reach block ${through}`, 120_000, async () =>
      (await blockNumber(derive.rpcUrl)) >= through ? true : undefined,
    );
    for (let n = derivedThrough + 1n; n <= through; n++) {
      const [derived, sequenced] = await Promise.all(
        [derive, sequencer].map((node) => result<{ hash: Hex }>(node.rpcUrl, "eth_getBlockByNumber", [hex(n), false])),
      );
      assert.equal(derived?.hash, sequenced?.hash, `block ${n}`);
    }
    if (through > derivedThrough) derivedThrough = through;
  }

  /** Output games on L1: exactly one per output block up to `through`, in order, each with the node's root. */
  async function assertOutputsProposed(through: bigint): Promise<void> {
    const games = createOutputGameReader({ publicClient: l1Client() as never, disputeGameFactory, gameType });
    const lastOutput = through - (through % BigInt(OUTPUT_INTERVAL_BLOCKS));
    const proposed = await waitFor(`output games up to block ${lastOutput}`, 120_000, async () => {
      const count = await games.outputGameCount();
      const all = [];
      for (let i = 0n; i < count; i++) all.push(await games.outputGameAt(i));
      return (all.at(-1)?.l2BlockNumber ?? 0n) >= lastOutput ? all : undefined;
    });
    assert.deepEqual(
      proposed.map((game) => game?.l2BlockNumber),
      proposed.map((_, i) => BigInt((i + 1) * OUTPUT_INTERVAL_BLOCKS)),
      "one game per output block, in order, none skipped or doubled",
    );
    for (const game of proposed) {
      const output = await result<{ outputRoot: Hex }>(sequencer.rpcUrl, "optimism_outputAtBlock", [
        hex(game!.l2BlockNumber),
      ]);
      assert.equal(game?.outputRoot, output.outputRoot, `output root of block ${game?.l2BlockNumber}`);
    }
  }

  /** Freezes `child` for FAULT_MS under load; answers the receipts and blocks the sequencer produced meanwhile. */
  async function freezeFor(child: ChildProcess) {
    const receiptsBefore = load!.acknowledged();
    const headBefore = await blockNumber(sequencer.rpcUrl);
    const logsFrom = sequencer.logs.length;
    const fault = freezeProcess(child);
    frozen.push(fault);
    await sleep(FAULT_MS);
    const receipts = load!.acknowledged() - receiptsBefore;
    const blocks = (await blockNumber(sequencer.rpcUrl)) - headBefore;
    fault.thaw();
    return { receipts, blocks, logs: () => sequencer.logs.slice(logsFrom) };
  }

  const retried = (logs: readonly LogEntry[], what: string) =>
    logs.filter((entry) => entry.msg === "transient failure, retrying" && entry.what === what).length;

  before(async () => {
    mkdirSync(logDir, { recursive: true });
    const base = await freePorts(3);
    const { l1, operators, contracts, l1StartBlock, da, standIn } = await startL1WithCelestia({
      port: base,
      dataDir: join(dir, "data"),
      logDir,
      stops,
    });
    l1Process = l1.child.process;
    l1RpcUrl = l1.rpcUrl;
    batchInbox = contracts.batchInbox;
    disputeGameFactory = contracts.disputeGameFactory;
    gameType = contracts.gameType;
    daProcess = standIn.process;
    // A frozen stand-in never answers: requests must time out well within the fault for the batcher to retry.
    const daConfig = {
      ...da.nodeConfig,
      options: { ...da.nodeConfig.options, requestTimeoutMs: 5_000, submitTimeoutMs: 5_000 },
    };
    const chain = l2ChainConfig(l1StartBlock);
    const l1Contracts = {
      ...l1SettlementOptions(l1.rpcUrl, contracts),
      disputeGameFactory: contracts.disputeGameFactory,
      gameType: contracts.gameType,
    };
    // Short backoffs: the loops pick up within a couple of seconds once a service is back.
    const retry = { retryInitialDelayMs: 250, retryMaxDelayMs: 2_000 };
    // A fixed RPC port: the restarted sequencer answers where the load, the test and the derive node look for it.
    // Reads on the sequencer's loop (no read workers): fewer threads to start on each of the restarts.
    const sequencerRpc = { host: "127.0.0.1", port: base + 2, reads: { workers: 0 } };
    sequencerConfig = (holdBatchAt) => ({
      rpc: sequencerRpc,
      chain,
      sequencer: { blockMs: 500, l1ConfirmationDepth: 2, l1PollIntervalMs: 250 },
      da: daConfig,
      batcher: {
        enabled: true,
        maxBlocksPerBatch: 8,
        maxBatchAgeMs: 1_000,
        ...retry,
        ...(holdBatchAt === undefined ? {} : { testFaults: { holdBatchAt } }),
      },
      settlement: {
        provider: "l1",
        options: {
          ...l1Contracts,
          batcherPrivateKey: operators.batcher.privateKey,
          proposerPrivateKey: operators.proposer.privateKey,
        },
      },
      outputs: { intervalBlocks: OUTPUT_INTERVAL_BLOCKS },
      proposer: { enabled: true, pollIntervalMs: 500, ...retry },
    });
    mkdirSync(sequencerDir);
    stops.push(async () => {
      await sequencer?.stop();
    });
    stops.push(async () => {
      await derive?.stop();
      derive?.cleanup();
    });
    // Both at once (the derive node knows the sequencer's fixed URL beforehand); each is stopped even if the other
    // fails to start.
    const [sequencerStart, deriveStart] = await Promise.allSettled([
      startMach({ dataDir: sequencerDir, config: sequencerConfig(), timeoutMs: 120_000 }),
      startMach({
        config: {
          node: { role: "derive" },
          chain,
          da: daConfig,
          settlement: { provider: "l1", options: l1Contracts },
          derivation: {
            pollIntervalMs: 250,
            retryDelayMs: 500,
            sequencerRpcUrl: `http://${sequencerRpc.host}:${sequencerRpc.port}`,
          },
        },
        timeoutMs: 120_000,
      }),
    ]);
    if (sequencerStart.status === "fulfilled") sequencer = sequencerStart.value;
    if (deriveStart.status === "fulfilled") derive = deriveStart.value;
    for (const start of [sequencerStart, deriveStart]) if (start.status === "rejected") throw start.reason;
    stops.push(async () => {
      await load?.stop();
    });
    load = startLoad({ senders: devAccounts(4, 4), via: () => sequencer.rpcUrl, fallbackUrl: sequencer.rpcUrl });
    // Under way before the first fault: batches on L1 and an output game the proposer follows.
    await waitFor("a first output game on L1", 120_000, async () => {
      const games = createOutputGameReader({ publicClient: l1Client() as never, disputeGameFactory, gameType });
      return (await games.outputGameCount()) > 0n ? true : undefined;
    });
  });

  after(async () => {
    // A frozen process ignores SIGTERM until thawed.
    for (const fault of frozen) fault.thaw();
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps sequencing through a 30 s DA stall; the batcher retries, drains its backlog in order and safe catches up", async () => {
    const during = await freezeFor(daProcess);
    assert.ok(during.receipts > 0, "the sequencer answered with receipts while DA was frozen");
    assert.ok(during.blocks > 0, "and sealed blocks");
    assert.ok(retried(during.logs(), "DA submission") > 0, "the batcher retried its DA submissions");
    const through = await waitForSafeHead();
    await assertRecordedInOrder();
    await assertDerived(through);
  });

  it("rides out 30 s without L1: batcher and proposer retry, no output skipped, no batch recorded twice", async () => {
    const during = await freezeFor(l1Process);
    assert.ok(during.receipts > 0, "the sequencer answered with receipts while L1 was frozen");
    assert.ok(retried(during.logs(), "L1 recording") > 0, "the batcher retried its L1 records");
    assert.ok(
      during.logs().some((entry) => entry.module === "proposer" && entry.level === 40),
      "the proposer reported its failed L1 calls",
    );
    const through = await waitForSafeHead();
    await assertRecordedInOrder();
    await assertOutputsProposed(through);
    await assertDerived(through);
  });

  it("records a batch exactly once when the sequencer is killed between its DA submission and its L1 record", async () => {
    await load?.stop();
    load = undefined;
    const held: { firstBlock: bigint; lastBlock: bigint }[] = [];
    for (const holdBatchAt of ["daConfirmed", "l1Recorded"] as const) {
      // The first kill comes while no batch is in flight: a kill between a record's L1 inclusion and the node saving
      // it would put the range on L1 before the restarted node holds it (the node copes: the contract answers
      // BatchAlreadyRecorded), and this test is about the kill its hold points make. The second kill finds the
      // held batch parked before L1.
      if (holdBatchAt === "daConfirmed")
        await waitFor("a moment with no batch in flight", 60_000, async () => {
          const status = await result<{ batcher: { inFlightBatches: number } | null }>(
            sequencer.rpcUrl,
            "mach_syncStatus",
            [],
          );
          return status.batcher?.inFlightBatches === 0 ? true : undefined;
        });
      await sequencer.stop("SIGKILL");
      sequencer = await startMach({
        dataDir: sequencerDir,
        config: sequencerConfig(holdBatchAt),
        timeoutMs: 120_000,
      });
      assert.ok(
        sequencer.logs.some((entry) => entry.msg === "TEST FAULTS ON: this batcher holds a batch until the node stops"),
      );
      const hold = await waitFor(`the batcher to hold a batch at ${holdBatchAt}`, 60_000, async () =>
        sequencer.logs.find((entry) => entry.msg === BATCH_HELD_MESSAGE),
      );
      assert.equal(hold.at, holdBatchAt);
      const range = { firstBlock: BigInt(String(hold.firstBlock)), lastBlock: BigInt(String(hold.lastBlock)) };
      held.push(range);
      const onL1 = (await readInbox()).filter((record) => record.firstBlock === range.firstBlock);
      assert.equal(onL1.length, holdBatchAt === "daConfirmed" ? 0 : 1, `BatchInbox while held at ${holdBatchAt}`);
      const [own] = await result<{ status: string }[]>(sequencer.rpcUrl, "mach_getBatches", [
        hex(range.firstBlock),
        hex(range.firstBlock),
      ]);
      assert.equal(own?.status, "confirmed", "the node's record is on DA, not yet recorded");
    }
    assert.deepEqual(held[1], held[0], "the restarted batcher takes up the batch the kill interrupted");

    await sequencer.stop("SIGKILL");
    sequencer = await startMach({ dataDir: sequencerDir, config: sequencerConfig(), timeoutMs: 120_000 });
    const through = await waitForSafeHead();
    const records = await assertRecordedInOrder();
    const interrupted = records.filter((record) => record.firstBlock === held[0]!.firstBlock);
    assert.equal(interrupted.length, 1, "the interrupted batch is on L1 once");
    assert.equal(interrupted[0]?.lastBlock, held[0]!.lastBlock);
    const [own] = await result<{ status: string; l1TransactionHash?: Hex }[]>(sequencer.rpcUrl, "mach_getBatches", [
      hex(held[0]!.firstBlock),
      hex(held[0]!.firstBlock),
    ]);
    assert.equal(own?.status, "recorded");
    assert.equal(own?.l1TransactionHash, interrupted[0]?.l1TransactionHash, "recorded by the one L1 transaction");
    await assertDerived(through);
  });
});
