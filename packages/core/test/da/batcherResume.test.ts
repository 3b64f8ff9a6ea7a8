import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planResume } from "../../src/da/batcherResume.ts";
import type { BatchRecord, BatchStatus } from "../../src/da/batchRecord.ts";
import { fakeHash } from "./fixtures.ts";

/** A record of blocks first..first+3 with `pointers` of its 2 frames known. */
function record(first: bigint, status: BatchStatus, pointers: number, error?: string): BatchRecord {
  return {
    firstBlock: first,
    lastBlock: first + 3n,
    lastBlockHash: fakeHash(`block-${first + 3n}`),
    batchId: fakeHash(`batch-${first}`),
    provider: "memory",
    pointers: Array.from({ length: pointers }, (_, i) => Uint8Array.of(Number(first), i)),
    status,
    submittedAt: 1,
    txCount: 0,
    uncompressedBytes: 4,
    encodedBytes: 4,
    frameCount: 2,
    ...(error ? { error } : {}),
  };
}

const actions = (plan: ReturnType<typeof planResume>) =>
  plan.unfinished.map((u) => [u.record.firstBlock, u.action, u.record.status]);

describe("batcher resume plan", () => {
  it("starts from nothing when the store is empty", () => {
    assert.deepEqual(planResume([], { recorder: true }), { unfinished: [] });
  });

  it("resumes after the recorded prefix, recording what DA confirmed and redoing the rest with their bounds", () => {
    const records = [
      record(1n, "recorded", 2),
      record(5n, "confirmed", 2),
      record(9n, "submitting", 0),
      record(13n, "failed", 2, "L1 rejects"),
      record(17n, "failed", 1, "DA rejects"),
    ];
    const plan = planResume(records, { recorder: true });
    assert.equal(plan.finished?.firstBlock, 1n);
    assert.deepEqual(actions(plan), [
      [5n, "record", "confirmed"],
      [9n, "redo", "submitting"],
      [13n, "record", "confirmed"],
      [17n, "redo", "failed"],
    ]);
    assert.equal(plan.unfinished[2]?.record.error, undefined, "a batch failed on L1 only is recorded again, cleanly");
  });

  it("with no recorder, counts batches on DA as finished up to the first one that is not", () => {
    const records = [record(1n, "confirmed", 2), record(5n, "submitting", 1), record(9n, "confirmed", 2)];
    const plan = planResume(records, { recorder: false });
    assert.equal(plan.finished?.firstBlock, 1n);
    assert.deepEqual(actions(plan), [
      [5n, "redo", "submitting"],
      [9n, "record", "confirmed"],
    ]);
  });

  it("has nothing unfinished when every record is recorded", () => {
    const plan = planResume([record(1n, "recorded", 2), record(5n, "recorded", 2)], { recorder: true });
    assert.equal(plan.finished?.lastBlock, 8n);
    assert.deepEqual(plan.unfinished, []);
  });
});
