import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Hex } from "viem";
import { BatchTally } from "../../src/rpc/batchTally.ts";
import type { MachStatusResult } from "../../src/rpc/methods/status.ts";
import type { DaBatcherStatus, StatusDerivation, StatusSource } from "../../src/rpc/statusSource.ts";
import { type Harness, startHarness } from "./harness.ts";

const PROVER = "0x00000000000000000000000000000000000000a1";
const ROOT: Hex = `0x${"12".repeat(32)}`;

describe("mach_status", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("answers the head and empty sections on a server without a status source", async () => {
    h = await startHarness();
    const status = await h.result<MachStatusResult>("mach_status");
    assert.equal(status.version, 1);
    assert.equal(status.chainId, "0x10e6");
    assert.equal(status.head.blockNumber, await h.result("eth_blockNumber"));
    assert.equal(status.pool, null);
    assert.deepEqual(status.da, { byProvider: [], recent: [], batcher: null });
    assert.deepEqual([status.outputs, status.replicas, status.attestations], [[], [], []]);
    assert.deepEqual(status.abis, {});
    assert.equal(status.derivation, null);
    assert.deepEqual(status.latency, {
      windowMs: 60_000,
      count: 0,
      p50Ms: null,
      p90Ms: null,
      p99Ms: null,
      maxMs: null,
    });
  });

  it("reports the sealed head's last mini-block while the open block has none yet", async () => {
    h = await startHarness();
    await h.result("eth_sendRawTransaction", [await h.signTransfer({ nonce: 0 })]);
    const miniBlock = h.backend.sealMiniBlock();
    h.backend.sealBlock();
    // A live chain between blocks: the open block holds no mini-block.
    h.backend.latestMiniBlock = () => undefined;
    const status = await h.result<MachStatusResult>("mach_status");
    assert.equal(status.head.miniBlockNumber, `0x${miniBlock.number.toString(16)}`);
  });

  it("measures send → receipt latency of transactions sent to it and counts their mini-blocks", async () => {
    h = await startHarness();
    await h.result("eth_sendRawTransaction", [await h.signTransfer({ nonce: 0 })]);
    await h.result("eth_sendRawTransaction", [await h.signTransfer({ nonce: 1 })]);
    const miniBlock = h.backend.sealMiniBlock();
    const status = await h.result<MachStatusResult>("mach_status");
    assert.equal(status.latency.count, 2);
    assert.ok(status.latency.p50Ms !== null && status.latency.p50Ms >= 0);
    assert.ok(status.latency.maxMs !== null && status.latency.maxMs >= status.latency.p50Ms);
    assert.equal(status.head.miniBlockNumber, `0x${miniBlock.number.toString(16)}`);
    assert.ok(status.miniBlocks.perSecond > 0);
    assert.ok(status.miniBlocks.transactionsPerSecond >= 2 * status.miniBlocks.perSecond);
    assert.ok(status.miniBlocks.gasPerSecond > 0);
  });

  it("renders every section the status source fills", async () => {
    const batches = new BatchTally();
    batches.update({
      firstBlock: 1n,
      lastBlock: 10n,
      provider: "eigenda",
      status: "recorded",
      txCount: 7,
      encodedBytes: 1234,
      frameCount: 1,
      submittedAt: 1000,
      confirmedAt: 2000,
      recordedAt: 3000,
      recording: { l1BlockNumber: 42n, l1TransactionHash: ROOT },
    });
    const source: StatusSource = {
      pool: () => ({ pending: 3, queued: 1 }),
      daBatches: () => batches.snapshot(),
      outputs: () => [{ l2BlockNumber: 10n, outputRoot: ROOT, status: "attested", attestations: 2, proposedAt: 5 }],
      replicas: () => [
        { id: "replica-1", headBlockNumber: 9n, miniBlockNumber: 900n, lagMiniBlocks: 3n, lagMs: 12.5, updatedAt: 6 },
        { id: "replica-2", error: "fetch failed" },
      ],
      attestations: () => [
        { prover: PROVER, blockNumber: 10n, blockHash: ROOT, stateRoot: ROOT, outputRoot: ROOT, receivedAt: 7 },
        {
          prover: PROVER,
          blockNumber: 5n,
          blockHash: ROOT,
          stateRoot: ROOT,
          outputRoot: ROOT,
          receivedAt: 4,
          matchesOwnOutput: false,
        },
      ],
      contracts: () => [{ address: PROVER, name: "Thing", abi: [{ type: "function", name: "f", inputs: [] }] }],
    };
    h = await startHarness({ status: source });
    const status = await h.result<MachStatusResult>("mach_status");
    assert.deepEqual(status.pool, { pending: 3, queued: 1 });
    assert.deepEqual(status.da.byProvider, [
      { provider: "eigenda", submitting: 0, confirmed: 0, recorded: 1, failed: 0 },
    ]);
    assert.deepEqual(status.da.recent, [
      {
        fromBlock: "0x1",
        toBlock: "0xa",
        provider: "eigenda",
        status: "recorded",
        txCount: 7,
        encodedBytes: 1234,
        frameCount: 1,
        submittedAt: 1000,
        confirmedAt: 2000,
        recordedAt: 3000,
        l1BlockNumber: "0x2a",
        l1TransactionHash: ROOT,
      },
    ]);
    assert.deepEqual(status.outputs, [
      {
        l2BlockNumber: "0xa",
        outputRoot: ROOT,
        status: "attested",
        game: null,
        l1BlockNumber: null,
        attestations: 2,
        proposedAt: 5,
        resolvedAt: null,
      },
    ]);
    assert.deepEqual(status.replicas, [
      {
        id: "replica-1",
        headBlockNumber: "0x9",
        miniBlockNumber: "0x384",
        lagMiniBlocks: "0x3",
        lagMs: 12.5,
        updatedAt: 6,
        error: null,
      },
      {
        id: "replica-2",
        headBlockNumber: null,
        miniBlockNumber: null,
        lagMiniBlocks: null,
        lagMs: null,
        updatedAt: null,
        error: "fetch failed",
      },
    ]);
    const attestation = { prover: PROVER, blockHash: ROOT, stateRoot: ROOT, outputRoot: ROOT };
    assert.deepEqual(status.attestations, [
      { ...attestation, blockNumber: "0xa", receivedAt: 7, matchesOwnOutput: null },
      { ...attestation, blockNumber: "0x5", receivedAt: 4, matchesOwnOutput: false },
    ]);
    assert.deepEqual(status.abis, { [PROVER]: { name: "Thing", abi: [{ type: "function", name: "f", inputs: [] }] } });
  });

  it("reports a derive node's progress, and why it stopped, and null on other nodes", async () => {
    let progress: StatusDerivation = { headBlock: 12n, headHash: ROOT, rejectedBatches: 0 };
    h = await startHarness({ status: { derivation: () => progress } });
    assert.deepEqual((await h.result<MachStatusResult>("mach_status")).derivation, {
      state: "deriving",
      headBlockNumber: "0xc",
      headBlockHash: ROOT,
      l1BlockNumber: null,
      l1BlockHash: null,
      rejectedBatches: 0,
      halted: null,
    });
    const gone: Hex = `0x${"34".repeat(32)}`;
    progress = {
      headBlock: 40n,
      headHash: ROOT,
      l1Block: { number: 77n, hash: gone },
      rejectedBatches: 2,
      halted: {
        reason: "l1Reorg",
        message: "L1 reorganized",
        l1BlockNumber: 77n,
        derivedL1Hash: gone,
        l1Hash: ROOT,
        oldestGoneL1Block: 70n,
        firstAffectedL2Block: 31n,
        haltedAt: 9,
      },
    };
    assert.deepEqual((await h.result<MachStatusResult>("mach_status")).derivation, {
      state: "halted",
      headBlockNumber: "0x28",
      headBlockHash: ROOT,
      l1BlockNumber: "0x4d",
      l1BlockHash: gone,
      rejectedBatches: 2,
      halted: {
        reason: "l1Reorg",
        message: "L1 reorganized",
        l1BlockNumber: "0x4d",
        derivedL1Hash: gone,
        l1Hash: ROOT,
        oldestGoneL1Block: "0x46",
        firstAffectedL2Block: "0x1f",
        haltedAt: 9,
      },
    });
  });

  it("reports the DA batcher's backlog and back-pressure, in mach_status and mach_syncStatus alike", async () => {
    const batcher: DaBatcherStatus = {
      state: "running",
      nextBlock: 41n,
      unbatchedBlocks: 120,
      inFlightBatches: 4,
      maxInFlightBatches: 4,
      pendingBytes: 3_000_000,
      maxPendingBytes: 33_554_432,
      backPressure: true,
      backPressureReason: "inFlight",
      backPressureSince: 1_700_000_000_000,
    };
    h = await startHarness({ status: { batcher: () => batcher } });
    const expected = { ...batcher, nextBlock: "0x29", error: null };
    assert.deepEqual((await h.result<MachStatusResult>("mach_status")).da.batcher, expected);
    assert.deepEqual((await h.result<{ batcher: unknown }>("mach_syncStatus")).batcher, expected);
  });
});
