import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { median, percentile, ratio, summarizeLatencies } from "../../src/report/stats.ts";

describe("percentile", () => {
  it("interpolates between closest ranks", () => {
    const samples = [1, 2, 3, 4];
    assert.equal(percentile(samples, 0), 1);
    assert.equal(percentile(samples, 100), 4);
    assert.equal(percentile(samples, 50), 2.5);
    assert.equal(percentile([10, 20, 30, 40, 50], 95), 48);
    assert.equal(median([5, 1, 3]), 3);
  });

  it("does not depend on input order and stays within min and max", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 100 }),
        (xs, p) => {
          const v = percentile(xs, p);
          assert.equal(v, percentile([...xs].reverse(), p));
          assert.ok(v >= Math.min(...xs) && v <= Math.max(...xs));
        },
      ),
    );
  });

  it("is monotone in p", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        assert.ok(percentile(xs, 50) <= percentile(xs, 95));
        assert.ok(percentile(xs, 95) <= percentile(xs, 99));
      }),
    );
  });

  it("throws on an empty sample or a p outside [0, 100]", () => {
    assert.throws(() => percentile([], 50), RangeError);
    assert.throws(() => percentile([1], 101), RangeError);
  });
});

describe("summarizeLatencies and ratio", () => {
  it("summarises p50/p95/p99/max", () => {
    const samples = Array.from({ length: 101 }, (_, i) => i);
    assert.deepEqual(summarizeLatencies(samples), { samples: 101, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100 });
  });

  it("gives no ratio against a missing or zero figure", () => {
    assert.equal(ratio(10, 5), 2);
    assert.equal(ratio(10, 0), null);
    assert.equal(ratio(null, 5), null);
    assert.equal(ratio(10, undefined), null);
  });
});
