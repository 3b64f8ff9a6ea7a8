import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ActivitySeries } from "../../src/live/activitySeries.ts";

describe("ActivitySeries", () => {
  it("totals mini-blocks, transactions and gas per second, empty seconds as zeros", () => {
    const series = new ActivitySeries(10);
    series.record(1_000_100, 3, 63_000);
    series.record(1_000_900, 1, 21_000);
    series.record(1_002_000, 2, 42_000);
    assert.deepEqual(series.points(1_003_500, 3), [
      { atMs: 1_000_000, miniBlocks: 2, transactions: 4, gas: 84_000 },
      { atMs: 1_001_000, miniBlocks: 0, transactions: 0, gas: 0 },
      { atMs: 1_002_000, miniBlocks: 1, transactions: 2, gas: 42_000 },
    ]);
  });

  it("leaves the current, unfinished second out of rates and divides by the seconds covered", () => {
    const series = new ActivitySeries(60);
    for (let second = 0; second < 4; second++) series.record(second * 1000, 10, 210_000);
    series.record(4_500, 99, 1);
    assert.deepEqual(series.rates(4_900, 10, 4), {
      miniBlocksPerSecond: 1,
      transactionsPerSecond: 10,
      gasPerSecond: 210_000,
    });
    assert.equal(series.rates(4_900, 2).transactionsPerSecond, 10);
  });

  it("reuses a bucket once its second has left the horizon and ignores mini-blocks older than it", () => {
    const series = new ActivitySeries(5);
    series.record(0, 7, 7);
    series.record(5_000, 1, 1);
    series.record(200, 100, 100);
    assert.deepEqual(
      series.points(6_000, 4).map((point) => point.transactions),
      [0, 0, 0, 1],
    );
  });

  it("sums to the recorded totals for any arrival order within the horizon", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 59_999 }), txs: fc.integer({ min: 0, max: 500 }) })),
        (miniBlocks) => {
          const series = new ActivitySeries(61);
          for (const { atMs, txs } of miniBlocks) series.record(atMs, txs, txs * 21_000);
          const points = series.points(60_000, 60);
          const total = miniBlocks.reduce((sum, { txs }) => sum + txs, 0);
          assert.equal(
            points.reduce((sum, point) => sum + point.transactions, 0),
            total,
          );
          assert.equal(
            points.reduce((sum, point) => sum + point.miniBlocks, 0),
            miniBlocks.length,
          );
        },
      ),
    );
  });
});
