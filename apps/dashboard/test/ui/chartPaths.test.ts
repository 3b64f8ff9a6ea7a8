import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { axisSeconds, chartPaths } from "../../src/ui/chartPaths.ts";

describe("chartPaths", () => {
  it("places the newest value at the right end and the peak near the top", () => {
    const { line, area } = chartPaths([0, 5, 10], 10, 60);
    assert.equal(line, "M57,100.00L58,100.00L59,53.00L60,6.00");
    assert.equal(area, `${line}L60,100L57,100Z`);
  });

  it("draws a flat baseline when every value is zero and nothing when there is no value", () => {
    assert.equal(chartPaths([0, 0], 0, 60).line, "M58,100.00L59,100.00L60,100.00");
    assert.deepEqual(chartPaths([], 0, 60), { line: "", area: "" });
  });

  it("keeps only the values that fit the axis", () => {
    assert.ok(
      chartPaths(
        Array.from({ length: 100 }, () => 1),
        1,
        60,
      ).line.startsWith("M0,"),
    );
  });

  it("spans at least a minute and at most five, in half-minute steps", () => {
    assert.deepEqual([0, 5, 61, 95, 299, 1000].map(axisSeconds), [60, 60, 90, 120, 300, 300]);
  });
});
