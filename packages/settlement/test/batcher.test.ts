// Core's batcher loop with this package's BatchInbox recorder as its L1 seam: batches go to (in-memory) DA, their
// pointers to BatchInbox on a Hardhat L1, and derivation's read path (readBatchRecords → DA → frames → batch) gives
// back the sealed blocks.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Block, Transaction } from "@mach/core/chain";
import {
  BatcherHaltedError,
  batcherPolicySchema,
  createBatcher,
  createMemoryBatchRecordStore,
  createMemoryDa,
  decodeBatch,
  joinFrames,
} from "@mach/core/da";
import { type Hash, keccak256, stringToHex } from "viem";
import { createBatchInboxRecorder, readBatchRecords } from "../src/index.ts";
import { startTestL1, type TestL1 } from "./helpers/l1.ts";

const chainId = 901n;
const fakeHash = (label: string): Hash => keccak256(stringToHex(label));

/** Sealed blocks with only the fields a batch carries made meaningful. */
function makeChain(count: number): Block[] {
  const blocks: Block[] = [];
  let parentHash = fakeHash("genesis");
  for (let number = 1n; number <= BigInt(count); number++) {
    const hash = fakeHash(`block-${number}`);
    const transactions = [0, 1, 2].map((t) => {
      const raw = new Uint8Array(400).map((_, k) => (k * 31 + t * 7 + Number(number)) & 0xff);
      raw[0] = 0x02;
      return { raw, hash: fakeHash(`tx-${number}-${t}`) } as unknown as Transaction;
    });
    blocks.push({
      hash,
      header: {
        parentHash,
        ommersHash: fakeHash("ommers"),
        beneficiary: "0x4200000000000000000000000000000000000011",
        stateRoot: fakeHash(`state-${number}`),
        transactionsRoot: fakeHash("txroot"),
        receiptsRoot: fakeHash("rcroot"),
        logsBloom: new Uint8Array(256),
        difficulty: 0n,
        number,
        gasLimit: 30_000_000n,
        gasUsed: 0n,
        timestamp: 1_700_000_000n + number,
        extraData: new Uint8Array(),
        mixHash: fakeHash(`mix-${number}`),
        nonce: new Uint8Array(8),
        baseFeePerGas: 1_000_000n,
        withdrawalsRoot: fakeHash("withdrawals"),
        blobGasUsed: 0n,
        excessBlobGas: 0n,
        parentBeaconBlockRoot: fakeHash(`beacon-${number}`),
        requestsHash: fakeHash("requests"),
      },
      transactions,
      miniBlockCount: 10,
      miniBlockOffset: number * 10n,
    });
    parentHash = hash;
  }
  return blocks;
}

describe("core batcher recording on BatchInbox", () => {
  let l1: TestL1;
  before(async () => {
    l1 = await startTestL1();
  });
  after(async () => {
    await l1.close();
  });
  beforeEach(async () => {
    await l1.reset();
  });

  function batcherWith(signer: "batcher" | "stranger") {
    const chain = makeChain(10);
    // Small blobs: every batch spans several frames, so several DA pointers per L1 record.
    const da = createMemoryDa({ maxBlobBytes: 512 });
    const recorder = createBatchInboxRecorder({
      walletClient: l1.accounts[signer],
      publicClient: l1.publicClient,
      batchInbox: l1.addresses.batchInbox,
    });
    const batcher = createBatcher({
      chainId,
      da,
      source: {
        headBlockNumber: () => BigInt(chain.length),
        getBlockByNumber: (number) => chain[Number(number) - 1],
      },
      pointers: createMemoryBatchRecordStore(),
      recorder,
      policy: batcherPolicySchema.parse({ maxBlocksPerBatch: 4, retryInitialDelayMs: 1, retryMaxAttempts: 2 }),
      sleep: async (_ms, signal) => signal.throwIfAborted(),
    });
    return { chain, da, batcher };
  }

  it("records every batch with its pointers, and derivation's read path gives back the sealed blocks", async () => {
    const { chain, da, batcher } = batcherWith("batcher");
    const completed = [];
    for (let i = 0; i < 3; i++) {
      const record = await batcher.runOnce({ force: true });
      assert.ok(record);
      completed.push(record);
    }
    await batcher.runOnce({ force: true });
    const listed = await batcher.listBatches();
    assert.deepEqual(
      listed.map((r) => [r.firstBlock, r.lastBlock, r.status]),
      [
        [1n, 4n, "recorded"],
        [5n, 8n, "recorded"],
        [9n, 10n, "recorded"],
      ],
    );
    const onL1 = await readBatchRecords({
      publicClient: l1.publicClient,
      batchInbox: l1.addresses.batchInbox,
      fromBlock: l1.addresses.deployBlock,
      toBlock: await l1.publicClient.getBlockNumber({ cacheTime: 0 }),
    });
    assert.equal(onL1.length, 3);
    const derived: Hash[] = [];
    for (const [i, record] of onL1.entries()) {
      assert.equal(record.provider, "memory");
      assert.ok(record.pointers && record.pointers.length > 1, "a batch over several frames");
      assert.equal(record.l1TransactionHash, listed[i]?.recording?.l1TransactionHash);
      const frames = await Promise.all(record.pointers.map((pointer) => da.retrieve(pointer)));
      const batch = decodeBatch(joinFrames(frames), { chainId });
      assert.equal(BigInt(batch.blocks[0]?.number ?? -1), record.firstBlock);
      for (const block of batch.blocks) derived.push(block.hash);
    }
    assert.deepEqual(
      derived,
      chain.map((b) => b.hash),
    );
  });

  it("halts the batcher on a permanent recording error instead of skipping the range", async () => {
    const { batcher } = batcherWith("stranger");
    await assert.rejects(batcher.runOnce({ force: true }), (error: unknown) => {
      assert.ok(error instanceof BatcherHaltedError);
      assert.equal(error.firstBlock, 1n);
      return true;
    });
    const status = batcher.status();
    assert.equal(status.state, "halted");
    assert.match(status.error?.details ?? "", /^permanent error: .*NotBatcher/);
    // Batches in flight beside the failed one may reach DA (the batcher pipelines), but none is recorded on L1 after
    // it: the range from block 1 on waits for the operator, nothing is skipped.
    const listed = await batcher.listBatches();
    assert.deepEqual(listed[0] && [listed[0].firstBlock, listed[0].status], [1n, "failed"]);
    assert.ok(listed.every((r) => r.status !== "recorded"));
  });
});
