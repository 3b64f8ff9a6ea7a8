import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchTally } from "../../src/rpc/batchTally.ts";
import type { StatusBatch, StatusBatchState } from "../../src/rpc/statusSource.ts";

const batch = (firstBlock: number, status: StatusBatchState, provider = "eigenda"): StatusBatch => ({
  firstBlock: BigInt(firstBlock),
  lastBlock: BigInt(firstBlock + 9),
  provider,
  status,
  txCount: 5,
  encodedBytes: 1000,
  frameCount: 1,
  submittedAt: 1_700_000_000_000 + firstBlock,
});

describe("BatchTally", () => {
  it("moves a batch's count as its record goes from submitting to recorded", () => {
    const tally = new BatchTally();
    tally.update(batch(1, "submitting"));
    tally.update(batch(11, "submitting"));
    tally.update(batch(1, "confirmed"));
    tally.update(batch(1, "recorded"));
    tally.update(batch(21, "failed", "celestia"));
    assert.deepEqual(tally.snapshot().byProvider, [
      { provider: "eigenda", counts: { submitting: 1, confirmed: 0, recorded: 1, failed: 0 } },
      { provider: "celestia", counts: { submitting: 0, confirmed: 0, recorded: 0, failed: 1 } },
    ]);
  });

  it("keeps the newest batches by first block, newest first, with their latest state", () => {
    const tally = new BatchTally({ maxRecent: 2 });
    for (const first of [21, 1, 11, 31]) tally.update(batch(first, "submitting"));
    tally.update(batch(1, "recorded"));
    tally.update(batch(31, "confirmed"));
    const recent = tally.snapshot().recent;
    assert.deepEqual(
      recent.map((b) => [b.firstBlock, b.status]),
      [
        [31n, "confirmed"],
        [21n, "submitting"],
      ],
    );
  });

  it("hands out copies that later updates do not change", () => {
    const tally = new BatchTally();
    tally.update(batch(1, "submitting"));
    const before = tally.snapshot();
    tally.update(batch(1, "recorded"));
    assert.equal(before.byProvider[0]?.counts.submitting, 1);
    assert.equal(before.recent[0]?.status, "submitting");
  });
});
