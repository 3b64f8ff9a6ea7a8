import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BenchUsageError, parseBenchOptions, SUITES } from "../src/options.ts";

describe("parseBenchOptions", () => {
  it("defaults to the full run of every suite into .bench with seed 1", () => {
    const options = parseBenchOptions([]);
    assert.equal(options.quick, false);
    assert.equal(options.seed, 1);
    assert.equal(options.outDir, ".bench");
    assert.equal(options.profile, false);
    assert.deepEqual([...options.suites], [...SUITES]);
  });

  it("reads --quick, --seed, --out and comma-separated or repeated --only", () => {
    const options = parseBenchOptions([
      "--quick",
      "--seed",
      "7",
      "--out",
      "/tmp/x",
      "--only",
      "execution,state",
      "--only",
      "e2e",
    ]);
    assert.equal(options.quick, true);
    assert.equal(options.seed, 7);
    assert.equal(options.outDir, "/tmp/x");
    assert.deepEqual([...options.suites], ["execution", "state", "e2e"]);
  });

  it("reads --da-peak and rejects a rate that is not positive", () => {
    assert.equal(parseBenchOptions(["--only", "da", "--da-peak", "350"]).daPeakTxPerSecond, 350);
    assert.equal(parseBenchOptions([]).daPeakTxPerSecond, undefined);
    assert.throws(() => parseBenchOptions(["--da-peak", "0"]), BenchUsageError);
    assert.throws(() => parseBenchOptions(["--da-peak", "fast"]), BenchUsageError);
  });

  it("rejects an unknown suite, a bad seed and an unknown flag", () => {
    assert.throws(() => parseBenchOptions(["--only", "nope"]), BenchUsageError);
    assert.throws(() => parseBenchOptions(["--seed", "-1"]), BenchUsageError);
    assert.throws(() => parseBenchOptions(["--seed", "x"]), BenchUsageError);
    assert.throws(() => parseBenchOptions(["--fast"]), BenchUsageError);
  });
});
