/**
 * Batch records over LMDB, as the memory store keeps them: one per first block, in block order, and after the chain
 * went back to a block, no record holds a later block (the one that straddled it is dropped too, so the batcher
 * batches its kept blocks again).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type BatchRecord, type BatchRecordStore, createMemoryBatchRecordStore } from "../../src/da/batchRecord.ts";
import { createLmdbBatchRecordStore } from "../../src/node/batchRecordStore.ts";
import { LmdbChainStore } from "../../src/state/store/lmdbStore.ts";

const record = (firstBlock: bigint, lastBlock: bigint): BatchRecord => ({
  firstBlock,
  lastBlock,
  lastBlockHash: `0x${"ab".repeat(32)}`,
  batchId: `0x${firstBlock.toString(16).padStart(64, "0")}`,
  provider: "celestia",
  pointers: [new Uint8Array([1, 2, 3])],
  status: "recorded",
  submittedAt: 1,
  txCount: 0,
  uncompressedBytes: 0,
  encodedBytes: 0,
  frameCount: 1,
});

async function ranges(store: BatchRecordStore): Promise<[bigint, bigint][]> {
  return (await store.list()).map((r) => [r.firstBlock, r.lastBlock]);
}

async function withStores(run: (store: BatchRecordStore) => Promise<void>): Promise<void> {
  await run(createMemoryBatchRecordStore());
  const dir = mkdtempSync(join(tmpdir(), "mach-batch-records-"));
  const chainStore = new LmdbChainStore({ path: dir });
  try {
    await run(createLmdbBatchRecordStore(chainStore.root));
  } finally {
    await chainStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("batch record stores (memory, LMDB)", () => {
  it("read newest first", async () => {
    await withStores(async (store) => {
      for (const [first, last] of [
        [1n, 6n],
        [7n, 14n],
        [15n, 21n],
      ] as const) {
        await store.put(record(first, last));
      }
      assert.deepEqual(
        [...store.newestFirst()].map((r) => r.firstBlock),
        [15n, 7n, 1n],
      );
      const first = store.newestFirst()[Symbol.iterator]().next();
      assert.equal(first.value?.lastBlock, 21n);
    });
  });

  it("drop every record holding a block after the kept one, the straddling one included", async () => {
    await withStores(async (store) => {
      for (const [first, last] of [
        [1n, 6n],
        [7n, 14n],
        [15n, 21n],
        [22n, 24n],
      ] as const) {
        await store.put(record(first, last));
      }
      await store.dropAfter(24n);
      assert.equal((await store.list()).length, 4, "nothing after the newest block");
      await store.dropAfter(19n);
      assert.deepEqual(await ranges(store), [
        [1n, 6n],
        [7n, 14n],
      ]);
      assert.equal((await store.latest())?.lastBlock, 14n, "the batcher goes on from block 15");
      await store.dropAfter(14n);
      assert.equal((await store.list()).length, 2, "a batch boundary drops nothing more");
      await store.dropAfter(0n);
      assert.deepEqual(await ranges(store), []);
    });
  });
});
