import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { byL1Position } from "../src/l1Order.ts";

describe("L1 order", () => {
  it("sorts by L1 block, then by log index, keeping every entry", () => {
    const position = fc.record({ l1BlockNumber: fc.bigInt({ min: 0n, max: 5n }), logIndex: fc.nat({ max: 5 }) });
    fc.assert(
      fc.property(fc.array(position), (positions) => {
        const sorted = [...positions].sort(byL1Position);
        assert.equal(sorted.length, positions.length);
        for (const entry of positions) assert.ok(sorted.includes(entry));
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1], sorted[i]];
          assert.ok(a && b);
          assert.ok(
            a.l1BlockNumber < b.l1BlockNumber || (a.l1BlockNumber === b.l1BlockNumber && a.logIndex <= b.logIndex),
          );
        }
      }),
      { seed: 5 },
    );
  });
});
