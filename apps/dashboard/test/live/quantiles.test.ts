import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SampleRing } from "../../src/live/quantiles.ts";

describe("SampleRing", () => {
  it("answers nearest-rank quantiles, nulls while empty", () => {
    const ring = new SampleRing(100);
    assert.deepEqual(ring.quantiles([0.5, 0.99]), [null, null]);
    for (let i = 1; i <= 100; i++) ring.push(i);
    assert.deepEqual(ring.quantiles([0.01, 0.5, 0.9, 0.99, 1]), [1, 50, 90, 99, 100]);
  });

  it("keeps only the newest samples", () => {
    const ring = new SampleRing(3);
    for (const value of [100, 100, 100, 1, 2, 3]) ring.push(value);
    assert.equal(ring.count, 3);
    assert.deepEqual(ring.quantiles([1]), [3]);
  });

  it("agrees with sorting the kept samples", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, q) => {
          const ring = new SampleRing(50);
          for (const value of values) ring.push(value);
          const kept = values.slice(-50).sort((a, b) => a - b);
          assert.equal(ring.quantiles([q])[0], kept[Math.ceil(q * kept.length) - 1]);
        },
      ),
    );
  });
});
