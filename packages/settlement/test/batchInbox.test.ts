import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { setTimeout } from "node:timers/promises";
import { batchInboxAbi, daProviderIds } from "@mach/contracts";
import type { BatchRecord, DaProviderName } from "@mach/core/da";
import type { BatchRecording } from "@mach/core/settlement";
import { bytesToHex, createPublicClient, custom, keccak256, type PublicClient } from "viem";
import {
  createBatchInboxRecorder,
  decodeBatchPointers,
  encodeBatchPointers,
  readBatchRecords,
  SettlementError,
} from "../src/index.ts";
import { startTestL1, type TestL1 } from "./helpers/l1.ts";

function batchRecord(firstBlock: bigint, lastBlock: bigint, provider: DaProviderName = "celestia"): BatchRecord {
  const pointers = [
    new Uint8Array([1, 2, 3, Number(firstBlock & 0xffn)]),
    new Uint8Array([9, Number(lastBlock & 0xffn)]),
  ];
  return {
    firstBlock,
    lastBlock,
    lastBlockHash: keccak256(new Uint8Array([Number(lastBlock & 0xffn)])),
    batchId: keccak256(new Uint8Array([Number(firstBlock & 0xffn), 7])),
    provider,
    pointers,
    status: "confirmed",
    submittedAt: 1_700_000_000_000,
    confirmedAt: 1_700_000_001_000,
    txCount: 3,
    uncompressedBytes: 100,
    encodedBytes: 80,
    frameCount: pointers.length,
  };
}

async function rejection(promise: Promise<unknown>): Promise<SettlementError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SettlementError, `expected a SettlementError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("BatchInbox recorder and reader", () => {
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

  const recorderFor = (who: "batcher" | "stranger", confirmations?: number) =>
    createBatchInboxRecorder({
      walletClient: l1.accounts[who],
      publicClient: l1.publicClient,
      batchInbox: l1.addresses.batchInbox,
      ...(confirmations === undefined ? {} : { confirmations }),
    });

  it("records a batch's range, provider id and pointers and returns where it landed on L1", async () => {
    const record = batchRecord(1n, 10n);
    const recording = await recorderFor("batcher").recordBatch(record);
    assert.ok(recording?.l1TransactionHash);
    const receipt = await l1.publicClient.getTransactionReceipt({ hash: recording.l1TransactionHash });
    assert.equal(receipt.blockNumber, recording.l1BlockNumber);
    const stored = await l1.publicClient.readContract({
      address: l1.addresses.batchInbox,
      abi: batchInboxAbi,
      functionName: "batches",
      args: [0n],
    });
    assert.equal(stored.firstL2Block, 1n);
    assert.equal(stored.lastL2Block, 10n);
    assert.equal(stored.daProvider, daProviderIds.celestia);
    assert.equal(stored.l1BlockNumber, recording.l1BlockNumber);
    assert.equal(stored.daPointerHash, keccak256(encodeBatchPointers(record.pointers)));
  });

  it("answers only once the batch's block has the asked number of confirmations", async () => {
    const pending = recorderFor("batcher", 3).recordBatch(batchRecord(1n, 2n));
    let settled = false;
    pending.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    // Mine one block at a time (Hardhat automines the transaction itself) and note, per head, whether it answered.
    const observed: { head: bigint; settled: boolean }[] = [];
    for (let i = 0; i < 200 && !settled; i++) {
      await setTimeout(10);
      observed.push({ head: await l1.publicClient.getBlockNumber({ cacheTime: 0 }), settled });
      if (!settled) await l1.mine();
    }
    const recording = await pending;
    const included = recording?.l1BlockNumber;
    assert.ok(included !== undefined);
    for (const { head, settled } of observed)
      if (head < included + 2n) assert.equal(settled, false, `answered at head ${head}`);
    assert.ok((await l1.publicClient.getBlockNumber({ cacheTime: 0 })) >= included + 2n);
  });

  it("fails permanently, naming the revert, when the signer is not the configured batcher", async () => {
    const error = await rejection(recorderFor("stranger").recordBatch(batchRecord(1n, 10n)));
    assert.equal(error.kind, "permanent");
    assert.equal(error.revertName, "NotBatcher");
    assert.equal(
      await l1.publicClient.readContract({
        address: l1.addresses.batchInbox,
        abi: batchInboxAbi,
        functionName: "batchCount",
      }),
      0n,
    );
  });

  it("fails permanently on a range that does not continue the recorded ones", async () => {
    const recorder = recorderFor("batcher");
    await recorder.recordBatch(batchRecord(1n, 10n));
    const error = await rejection(recorder.recordBatch(batchRecord(12n, 20n)));
    assert.equal(error.kind, "permanent");
    assert.equal(error.revertName, "NonContiguousRange");
  });

  it("returns the existing recording when the same batch is recorded again (a retry after a lost receipt)", async () => {
    const recorder = recorderFor("batcher");
    const first = await recorder.recordBatch(batchRecord(1n, 10n));
    await recorder.recordBatch(batchRecord(11n, 15n));
    const again = await recorder.recordBatch(batchRecord(1n, 10n));
    assert.deepEqual(again, first);
    const count = await l1.publicClient.readContract({
      address: l1.addresses.batchInbox,
      abi: batchInboxAbi,
      functionName: "batchCount",
    });
    assert.equal(count, 2n);
  });

  it("returns the recording when a lost earlier write of the batch lands between its check and its own write", async () => {
    const first = await recorderFor("batcher").recordBatch(batchRecord(1n, 10n));
    // The check sees the inbox as it was before that write (it had not been served yet): the write is simulated
    // against the inbox that holds it and reverts BatchAlreadyRecorded.
    let lagging = true;
    const publicClient: PublicClient = {
      ...l1.publicClient,
      readContract: (async (args: { functionName: string }) => {
        if (lagging && args.functionName === "batchCount") {
          lagging = false;
          return 0n;
        }
        return l1.publicClient.readContract(args as never);
      }) as PublicClient["readContract"],
    };
    const recorder = createBatchInboxRecorder({
      walletClient: l1.accounts.batcher,
      publicClient,
      batchInbox: l1.addresses.batchInbox,
    });
    assert.deepEqual(await recorder.recordBatch(batchRecord(1n, 10n)), first);
    assert.equal(lagging, false, "the check read the stale inbox");
    const count = await l1.publicClient.readContract({
      address: l1.addresses.batchInbox,
      abi: batchInboxAbi,
      functionName: "batchCount",
    });
    assert.equal(count, 1n);
  });

  it("records a rebuilt range over the different batch L1 holds for it (a sequencer's rewind)", async () => {
    const recorder = recorderFor("batcher");
    await recorder.recordBatch(batchRecord(1n, 10n));
    await recorder.recordBatch(batchRecord(11n, 15n));
    const replaced = await recorder.recordBatch(batchRecord(11n, 12n, "memory"));
    assert.deepEqual(await recorder.recordBatch(batchRecord(11n, 12n, "memory")), replaced, "recorded once");
    await recorder.recordBatch(batchRecord(13n, 14n, "memory"));
  });

  it("fails transiently when the L1 node cannot be reached", async () => {
    const broken = createPublicClient({
      transport: custom(
        {
          request: async () => {
            throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
          },
        },
        { retryCount: 0 },
      ),
    }) as PublicClient;
    const recorder = createBatchInboxRecorder({
      walletClient: l1.accounts.batcher,
      publicClient: broken,
      batchInbox: l1.addresses.batchInbox,
    });
    const error = await rejection(recorder.recordBatch(batchRecord(1n, 10n)));
    assert.equal(error.kind, "transient");
  });

  it("reads the records back in L1 order with their decoded pointers", async () => {
    const recorder = recorderFor("batcher");
    const records = [batchRecord(1n, 10n), batchRecord(11n, 11n, "memory"), batchRecord(12n, 40n, "eigenda")];
    const recordings: (BatchRecording | undefined)[] = [];
    for (const record of records) recordings.push(await recorder.recordBatch(record));
    const head = await l1.publicClient.getBlockNumber();
    const read = await readBatchRecords({
      publicClient: l1.publicClient,
      batchInbox: l1.addresses.batchInbox,
      fromBlock: l1.addresses.deployBlock,
      toBlock: head,
    });
    assert.deepEqual(
      read.map((r) => [r.batchIndex, r.firstBlock, r.lastBlock, r.provider, r.daProviderId]),
      [
        [0n, 1n, 10n, "celestia", daProviderIds.celestia],
        [1n, 11n, 11n, "memory", daProviderIds.memory],
        [2n, 12n, 40n, "eigenda", daProviderIds.eigenda],
      ],
    );
    read.forEach((r, i) => {
      const record = records[i] as BatchRecord;
      assert.deepEqual(r.pointers, record.pointers);
      assert.equal(r.daPointer, bytesToHex(encodeBatchPointers(record.pointers)));
      assert.equal(r.l1TransactionHash, recordings[i]?.l1TransactionHash);
      assert.equal(r.l1BlockNumber, recordings[i]?.l1BlockNumber);
    });
    // A window that holds only the middle record.
    const middle = recordings[1]?.l1BlockNumber as bigint;
    const window = await readBatchRecords({
      publicClient: l1.publicClient,
      batchInbox: l1.addresses.batchInbox,
      fromBlock: middle,
      toBlock: middle,
    });
    assert.deepEqual(
      window.map((r) => r.batchIndex),
      [1n],
    );
  });

  it("reads a record whose pointer bytes are not a pointer list with `pointers` undefined", async () => {
    const raw = "0x01abcdef" as const;
    const hash = await l1.accounts.batcher.writeContract({
      address: l1.addresses.batchInbox,
      abi: batchInboxAbi,
      functionName: "submitBatch",
      args: [1n, 1n, daProviderIds.celestia, raw],
      chain: l1.accounts.batcher.chain,
    });
    const receipt = await l1.publicClient.waitForTransactionReceipt({ hash });
    const [read] = await readBatchRecords({
      publicClient: l1.publicClient,
      batchInbox: l1.addresses.batchInbox,
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    assert.equal(read?.daPointer, raw);
    assert.equal(read?.pointers, undefined);
    assert.throws(() => decodeBatchPointers(new Uint8Array([1, 0xab, 0xcd, 0xef])), SettlementError);
  });
});
