import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pickWorker, type WorkerChoice } from "../../../src/rpc/reads/readWorkerPool.ts";

const worker = (queued: number, oldestBlock = 0n, ready = true): WorkerChoice => ({ ready, oldestBlock, queued });

describe("pickWorker", () => {
  it("places a read on the worker with the fewest queued reads, the first of equals", () => {
    assert.equal(pickWorker([worker(2), worker(1), worker(1)], "latest"), 1);
    assert.equal(pickWorker([worker(0), worker(0)], 5n), 0);
  });

  it("prefers a ready worker to a restoring one, however busy", () => {
    assert.equal(pickWorker([worker(0, 0n, false), worker(9)], "latest"), 1);
  });

  it("sends a read at an old block to a worker that holds its state, even a busier one", () => {
    // Worker 0 was replaced and restored from the snapshot at block 300; worker 1 holds state from block 0.
    const workers = [worker(0, 300n), worker(3, 0n)];
    assert.equal(pickWorker(workers, 120n), 1);
    assert.equal(pickWorker(workers, 300n), 0);
    assert.equal(pickWorker(workers, "latest"), 0);
  });

  it("falls back to the least busy worker when none holds the block", () => {
    assert.equal(pickWorker([worker(2, 300n), worker(1, 200n)], 100n), 1);
  });
});
