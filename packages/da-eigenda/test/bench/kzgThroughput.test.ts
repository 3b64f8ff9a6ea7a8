import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatKzgThroughputTable, measureKzgCommitmentThroughput } from "../../bench/kzgThroughput.ts";

describe("KZG commitment throughput bench", () => {
  it("times every engine per blob size and operation, skips the reference above its bound, and compares outputs", async () => {
    const report = await measureKzgCommitmentThroughput({ blobBytes: [64, 256], runs: 1, referenceMaxBlobBytes: 64 });
    assert.equal(report.srsPoints, 8);
    assert.deepEqual(report.referenceSkippedBlobBytes, [256]);
    assert.deepEqual(Object.keys(report.setupMs), ["native", "mcl", "reference"]);
    assert.match(report.engineDetails.native ?? "", /^fixed-base tables of \d+ bits, \d+ MB with the SRS$/);
    assert.deepEqual(Object.keys(report.engineDetails), ["native"]);
    assert.equal(report.enginesAgree, true);
    assert.deepEqual(
      report.rows.map((r) => `${r.engine}/${r.blobBytes}/${r.operation}/${r.workers}/${r.runs}`),
      [
        "native/64/g1/0/1",
        "native/64/full/0/1",
        "mcl/64/g1/0/1",
        "mcl/64/full/0/1",
        "reference/64/g1/0/1",
        "reference/64/full/0/1",
        "native/256/g1/0/1",
        "native/256/full/0/1",
        "mcl/256/g1/0/1",
        "mcl/256/full/0/1",
      ],
    );
    for (const r of report.rows) {
      assert.ok(r.medianWallMs > 0 && r.medianCpuMs >= 0);
      assert.ok(r.minWallMs <= r.medianWallMs && r.minCpuMs <= r.medianCpuMs);
      assert.equal(r.megabytesPerSecond, r.blobBytes / 1e6 / (r.medianWallMs / 1000));
    }
    const table = formatKzgThroughputTable(report).split("\n");
    assert.equal(table.length, 2 + report.rows.length);
    assert.match(table[2] ?? "", /^\| native \| 64 B \| G1 only \| calling thread \| 1 \|/);
  });

  it("times worker pools one blob at a time and with a blob per worker in flight", async () => {
    const report = await measureKzgCommitmentThroughput({
      blobBytes: [128],
      runs: 1,
      engines: ["mcl"],
      poolWorkers: [1, 2],
    });
    assert.equal(report.enginesAgree, true);
    assert.deepEqual(
      report.rows.map((r) => `${r.operation}/${r.workers}/${r.blobsInFlight}`),
      ["g1/0/1", "full/0/1", "full/1/1", "full/2/1", "full/2/2"],
    );
    const pair = report.rows.at(-1);
    assert.equal(pair?.megabytesPerSecond, (2 * 128) / 1e6 / ((pair?.medianWallMs ?? 0) / 1000));
  });

  it("refuses a blob size that is not 32 bytes times a power of two", async () => {
    await assert.rejects(measureKzgCommitmentThroughput({ blobBytes: [96] }), RangeError);
  });
});
